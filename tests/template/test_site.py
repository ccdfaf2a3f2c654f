"""The deployed web site: a private bucket behind CloudFront, the API on the same origin, the headers of infra/site.py.

GIVEN template.yaml, WHEN read as CloudFormation would, THEN the site is served the way infra/site.py says.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from chamcong.container import s3_client
from chamcong.settings import Settings
from infra.site import security_headers
from infra.template import load_template, resources_of_type

# Managed CloudFront policies (their ids are fixed by AWS)
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac"


def render_sub(value: Any, names: dict[str, str]) -> str:
    """A !Sub string with its ${…} replaced as CloudFormation would, from `names`; any other name fails the test."""
    assert isinstance(value, dict) and set(value) == {"Fn::Sub"}, value
    text = value["Fn::Sub"]
    assert isinstance(text, str)

    def replace(match: re.Match[str]) -> str:
        assert match.group(1) in names, f"unexpected ${{{match.group(1)}}} in {text}"
        return names[match.group(1)]

    return re.sub(r"\$\{([^}]+)\}", replace, text)


def _distribution() -> dict[str, Any]:
    config: dict[str, Any] = resources_of_type("AWS::CloudFront::Distribution")["SiteDistribution"]["Properties"][
        "DistributionConfig"]
    return config


def _origins() -> dict[str, dict[str, Any]]:
    return {origin["Id"]: origin for origin in _distribution()["Origins"]}


def _behaviours() -> dict[str, dict[str, Any]]:
    distribution = _distribution()
    return {"*": distribution["DefaultCacheBehavior"],
            **{behaviour["PathPattern"]: behaviour for behaviour in distribution["CacheBehaviors"]}}


def test_the_site_bucket_is_private_encrypted_unversioned_and_read_only_by_the_distribution() -> None:
    bucket = resources_of_type("AWS::S3::Bucket")["SiteBucket"]["Properties"]
    # THEN no public access of any kind, encrypted at rest, no versions kept
    assert bucket["PublicAccessBlockConfiguration"] == {"BlockPublicAcls": True, "BlockPublicPolicy": True,
                                                        "IgnorePublicAcls": True, "RestrictPublicBuckets": True}
    encryption = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]
    assert encryption["SSEAlgorithm"] in ("AES256", "aws:kms")
    assert bucket.get("VersioningConfiguration", {}).get("Status") != "Enabled"
    assert "WebsiteConfiguration" not in bucket  # not an S3 website: CloudFront reads it through OAC
    # and its policy lets CloudFront read it only for this distribution, and nobody else anything
    policy = resources_of_type("AWS::S3::BucketPolicy")["SiteBucketPolicy"]["Properties"]
    assert policy["Bucket"] == {"Ref": "SiteBucket"}
    allows = [s for s in policy["PolicyDocument"]["Statement"] if s["Effect"] == "Allow"]
    assert len(allows) == 1
    allow = allows[0]
    assert allow["Principal"] == {"Service": "cloudfront.amazonaws.com"} and allow["Action"] == "s3:GetObject"
    source = render_sub(allow["Condition"]["StringEquals"]["AWS:SourceArn"],
                        {"AWS::Partition": "aws", "AWS::AccountId": "123456789012", "SiteDistribution": "E2EXAMPLE"})
    assert source == "arn:aws:cloudfront::123456789012:distribution/E2EXAMPLE"


def test_the_distribution_reads_the_bucket_through_origin_access_control() -> None:
    site = _origins()["site"]
    assert site["DomainName"] == {"Fn::GetAtt": ["SiteBucket", "RegionalDomainName"]}
    assert site["OriginAccessControlId"] == {"Fn::GetAtt": ["SiteOriginAccessControl", "Id"]}
    assert site["S3OriginConfig"]["OriginAccessIdentity"] == ""  # no legacy OAI
    oac = resources_of_type("AWS::CloudFront::OriginAccessControl")["SiteOriginAccessControl"]["Properties"][
        "OriginAccessControlConfig"]
    assert (oac["OriginAccessControlOriginType"], oac["SigningBehavior"], oac["SigningProtocol"]) == (
        "s3", "always", "sigv4")
    assert _distribution()["DefaultRootObject"] == "index.html"


def test_the_api_is_on_the_same_origin_under_v1_and_docs_uncached_with_every_method() -> None:
    api = _origins()["api"]
    # THEN the API origin is the REST API's regional host and its stage
    assert render_sub(api["DomainName"], {"Api": "abc123", "AWS::Region": "ap-southeast-1"}) == (
        "abc123.execute-api.ap-southeast-1.amazonaws.com")
    stage = resources_of_type("AWS::Serverless::Api")["Api"]["Properties"]["StageName"]
    assert api["OriginPath"] == f"/{stage}"
    assert api["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
    behaviours = _behaviours()
    assert set(behaviours) == {"*", "/v1/*", "/docs*"}
    # and /v1/* and /docs* go to it, never cached, everything but Host forwarded, every method allowed
    for pattern in ("/v1/*", "/docs*"):
        behaviour = behaviours[pattern]
        assert behaviour["TargetOriginId"] == "api", pattern
        assert behaviour["CachePolicyId"] == CACHING_DISABLED, pattern
        assert behaviour["OriginRequestPolicyId"] == ALL_VIEWER_EXCEPT_HOST, pattern
        assert set(behaviour["AllowedMethods"]) == {"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"}
    # and everything else is the site's files, cached
    assert behaviours["*"]["TargetOriginId"] == "site"
    assert behaviours["*"]["CachePolicyId"] == CACHING_OPTIMIZED
    for pattern, behaviour in behaviours.items():
        assert behaviour["ViewerProtocolPolicy"] in ("https-only", "redirect-to-https"), pattern


def _policy_headers(region: str, bucket: str) -> dict[str, str]:
    """The headers SiteHeadersPolicy sets, as a browser receives them, in a stack in `region` with `bucket`."""
    config = resources_of_type("AWS::CloudFront::ResponseHeadersPolicy")["SiteHeadersPolicy"]["Properties"][
        "ResponseHeadersPolicyConfig"]
    security = config["SecurityHeadersConfig"]
    hsts = security["StrictTransportSecurity"]
    headers = {
        "Content-Security-Policy": render_sub(security["ContentSecurityPolicy"]["ContentSecurityPolicy"],
                                              {"AWS::Region": region, "DataBucket": bucket}),
        "Strict-Transport-Security": f"max-age={hsts['AccessControlMaxAgeSec']}"
                                     + ("; includeSubDomains" if hsts.get("IncludeSubdomains") else "")
                                     + ("; preload" if hsts.get("Preload") else ""),
        "X-Frame-Options": security["FrameOptions"]["FrameOption"],
        "Referrer-Policy": security["ReferrerPolicy"]["ReferrerPolicy"],
    }
    if "ContentTypeOptions" in security:
        headers["X-Content-Type-Options"] = "nosniff"  # the only value CloudFront sends
    for item in config.get("CustomHeadersConfig", {}).get("Items", []):
        assert item["Header"] not in headers
        headers[item["Header"]] = item["Value"]
    return headers


@pytest.mark.parametrize("region", ["ap-southeast-1", "us-east-1"])
def test_every_behaviour_sends_exactly_the_headers_of_infra_site_with_the_evidence_links_allowed(region: str) -> None:
    bucket = "chamcong-databucket-1x2y3z"
    # GIVEN where the API's evidence links point in that region (the API's own S3 client presigns them)
    snapshot = s3_client(Settings(AWS_REGION=region, AWS_ENDPOINT_URL=None)).generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": "snapshots/2026-11-20/cap.jpg"}, ExpiresIn=300)
    evidence_origin = f"https://s3.{region}.amazonaws.com/{bucket}/"
    assert snapshot.startswith(evidence_origin)  # a CSP source with a path: the links load under img-src
    # WHEN the template's policy is read header by header
    headers = _policy_headers(region, bucket)
    # THEN it is exactly infra/site.py's headers for that origin
    expected = security_headers(evidence_origin)
    assert set(headers) == set(expected)
    for name, value in expected.items():
        assert headers[name] == value, name
    # and every behaviour, the site's and the API's, carries it
    for pattern, behaviour in _behaviours().items():
        assert behaviour["ResponseHeadersPolicyId"] == {"Ref": "SiteHeadersPolicy"}, pattern


def test_the_reports_know_the_site_address_and_the_stack_says_where_the_site_is() -> None:
    template = load_template()
    reports = resources_of_type("AWS::Serverless::Function")["ReportsFunction"]["Properties"]
    site_url = reports["Environment"]["Variables"]["SITE_URL"]
    assert render_sub(site_url, {"SiteDistribution.DomainName": "d111.cloudfront.net"}) == "https://d111.cloudfront.net"
    assert "site_url" in Settings.model_fields
    assert template["Outputs"]["SiteUrl"]["Value"] == site_url
    assert template["Outputs"]["SiteBucketName"]["Value"] == {"Ref": "SiteBucket"}
    assert template["Outputs"]["SiteDistributionId"]["Value"] == {"Ref": "SiteDistribution"}


def test_the_api_function_finds_the_site_address_in_a_parameter_the_stack_writes() -> None:
    # The API function cannot be given the distribution's address (the distribution's origin is the API): it reads
    # the SSM parameter the stack writes with the same value as the reports function's SITE_URL
    names = {"AWS::StackName": "chamcong", "AWS::Partition": "aws", "AWS::Region": "ap-southeast-1",
             "AWS::AccountId": "123456789012", "SiteDistribution.DomainName": "d111.cloudfront.net"}
    parameter = resources_of_type("AWS::SSM::Parameter")["SiteUrlParameter"]["Properties"]
    reports = resources_of_type("AWS::Serverless::Function")["ReportsFunction"]["Properties"]
    assert parameter["Value"] == reports["Environment"]["Variables"]["SITE_URL"]
    api = resources_of_type("AWS::Serverless::Function")["ApiFunction"]["Properties"]
    assert "SITE_URL" not in api["Environment"]["Variables"]
    assert render_sub(api["Environment"]["Variables"]["SITE_URL_PARAMETER"], names) == render_sub(
        parameter["Name"], names) == "/chamcong/site-url"
    assert "site_url_parameter" in Settings.model_fields
    granted = [(action, render_sub(resource, names)) for statement in api["Policies"][0]["Statement"]
               if any(action.startswith("ssm:") for action in statement["Action"])
               for action in statement["Action"] for resource in statement["Resource"]]
    assert granted == [("ssm:GetParameter", "arn:aws:ssm:ap-southeast-1:123456789012:parameter/chamcong/site-url")]
