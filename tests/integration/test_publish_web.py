"""`make publish-web`: the site's files reach its bucket as CloudFront will serve them (moto stands in for AWS)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from infra.publish_web import main

BUCKET = "chamcong-sitebucket-abc123"


def _web_dir(root: Path) -> Path:
    """A site as the integrator's web/ looks after `make web`: pages, scripts, vendored libraries, npm's files."""
    files = {
        "index.html": "<!doctype html><title>Chấm công</title>",
        "lobby.html": "<!doctype html><title>Sảnh</title>",
        "app.js": "export const x = 1;",
        "styles/site.css": "body{}",
        "vendor/chart.umd.js": "/* chart */",
        "img/logo.svg": "<svg/>",
        "help/index.html": "<!doctype html><title>Hướng dẫn</title>",
        # not part of the site
        "node_modules/chart.js/dist/chart.umd.js": "/* npm */",
        "package.json": "{}",
        "package-lock.json": "{}",
        "README.md": "# web",
        ".env.js": "secret",
        "notes.md": "drafts",
    }
    web = root / "web"
    for name, text in files.items():
        path = web / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return web


def _objects(s3: Any) -> dict[str, dict[str, Any]]:
    keys = [obj["Key"] for obj in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]
    return {key: s3.get_object(Bucket=BUCKET, Key=key) for key in keys}


def _distribution(cloudfront: Any) -> str:
    answer = cloudfront.create_distribution(DistributionConfig={
        "CallerReference": "test", "Comment": "site", "Enabled": True,
        "Origins": {"Quantity": 1, "Items": [{"Id": "site", "DomainName": f"{BUCKET}.s3.amazonaws.com",
                                              "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
        "DefaultCacheBehavior": {"TargetOriginId": "site", "ViewerProtocolPolicy": "redirect-to-https",
                                 "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"}})
    return str(answer["Distribution"]["Id"])


@mock_aws
def test_the_site_is_uploaded_with_its_types_and_caching_stale_files_removed_and_cloudfront_invalidated(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    s3 = boto3.client("s3", region_name="ap-southeast-1")
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "ap-southeast-1"})
    cloudfront = boto3.client("cloudfront", region_name="us-east-1")
    distribution = _distribution(cloudfront)
    # GIVEN a bucket holding the previous release: an old index and a script the new one no longer has
    s3.put_object(Bucket=BUCKET, Key="index.html", Body=b"old")
    s3.put_object(Bucket=BUCKET, Key="old-page.js", Body=b"old")
    web = _web_dir(tmp_path)
    # WHEN the site is published with the distribution
    assert main(["--bucket", BUCKET, "--distribution", distribution, "--web-dir", str(web)]) == 0
    # THEN the bucket holds exactly the site's files (vendored libraries too), not npm's nor hidden or stray ones
    objects = _objects(s3)
    assert set(objects) == {"index.html", "lobby.html", "app.js", "styles/site.css", "vendor/chart.umd.js",
                            "img/logo.svg", "help/index.html"}
    assert objects["index.html"]["Body"].read().decode() == "<!doctype html><title>Chấm công</title>"
    # and each is served with its type; pages revalidated on every load, the rest cached five minutes
    expected = {"index.html": ("text/html; charset=utf-8", "no-cache"),
                "help/index.html": ("text/html; charset=utf-8", "no-cache"),
                "app.js": ("text/javascript; charset=utf-8", "max-age=300"),
                "styles/site.css": ("text/css; charset=utf-8", "max-age=300"),
                "vendor/chart.umd.js": ("text/javascript; charset=utf-8", "max-age=300"),
                "img/logo.svg": ("image/svg+xml", "max-age=300")}
    for key, (kind, cache) in expected.items():
        assert (objects[key]["ContentType"], objects[key]["CacheControl"]) == (kind, cache), key
    # and CloudFront was told to drop its copies of everything
    invalidations = cloudfront.list_invalidations(DistributionId=distribution)["InvalidationList"]["Items"]
    assert len(invalidations) == 1
    batch = cloudfront.get_invalidation(DistributionId=distribution, Id=invalidations[0]["Id"])
    assert batch["Invalidation"]["InvalidationBatch"]["Paths"]["Items"] == ["/*"]
    assert "uploaded 7 file(s)" in capsys.readouterr().out


@mock_aws
def test_publishing_again_without_a_distribution_changes_only_the_bucket(tmp_path: Path) -> None:
    s3 = boto3.client("s3", region_name="ap-southeast-1")
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "ap-southeast-1"})
    web = _web_dir(tmp_path)
    assert main(["--bucket", BUCKET, "--web-dir", str(web)]) == 0
    # GIVEN a page removed from web/ since
    (web / "lobby.html").unlink()
    # WHEN published again
    assert main(["--bucket", BUCKET, "--web-dir", str(web)]) == 0
    # THEN it is gone from the bucket too
    assert "lobby.html" not in _objects(s3) and "index.html" in _objects(s3)


@mock_aws
@pytest.mark.parametrize("argv", [
    [],                                                     # no bucket
    ["--bucket", "Not_A_Bucket"],
    ["--bucket", "ab"],
    ["--bucket", BUCKET, "--distribution", "e2-lower/../x"],
    ["--bucket", BUCKET, "--web-dir", "/nonexistent/web"],
    ["--bucket", BUCKET, "--web-dir", "{empty}"],           # a folder without index.html is not the site
])
def test_bad_arguments_are_a_usage_error_and_touch_nothing(argv: list[str], tmp_path: Path) -> None:
    s3 = boto3.client("s3", region_name="ap-southeast-1")
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "ap-southeast-1"})
    s3.put_object(Bucket=BUCKET, Key="index.html", Body=b"live")
    (tmp_path / "empty").mkdir()
    argv = [arg.replace("{empty}", str(tmp_path / "empty")) for arg in argv]
    # WHEN the command is given a bad argument
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    # THEN it exits 2 (usage) and the live site is untouched
    assert exit_.value.code == 2
    assert set(_objects(s3)) == {"index.html"}
