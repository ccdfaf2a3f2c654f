"""Where the e-mails' links point: SITE_URL, or the stack's SSM parameter (the API function), or nowhere."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from chamcong.container import Container
from chamcong.settings import Settings

PARAMETER = "/chamcong/site-url"


@mock_aws
def test_the_api_function_reads_the_site_address_from_the_stack_parameter_once(
        monkeypatch: pytest.MonkeyPatch) -> None:
    ssm = boto3.client("ssm", region_name="ap-southeast-1")
    ssm.put_parameter(Name=PARAMETER, Value="https://d111.cloudfront.net", Type="String")
    container = Container(Settings(SITE_URL_PARAMETER=PARAMETER))
    assert container.site_url() == "https://d111.cloudfront.net"
    # and a warm function keeps it (no call per report)
    ssm.delete_parameter(Name=PARAMETER)
    assert container.site_url() == "https://d111.cloudfront.net"


@mock_aws
def test_without_the_parameter_or_with_a_bad_value_the_mail_goes_without_links(
        caplog: pytest.LogCaptureFixture) -> None:
    # GIVEN a parameter name that does not exist (yet): no links, no failure, a warning in the log
    container = Container(Settings(SITE_URL_PARAMETER=PARAMETER))
    assert container.site_url() == ""
    assert "site_url_unavailable" in caplog.text or "site address unavailable" in caplog.text
    # WHEN it is written later, the next report finds it
    boto3.client("ssm", region_name="ap-southeast-1").put_parameter(Name=PARAMETER, Value="not a url",
                                                                    Type="String")
    assert container.site_url() == ""  # not an address: still no links
    boto3.client("ssm", region_name="ap-southeast-1").put_parameter(Name=PARAMETER, Value="https://x.example/",
                                                                    Type="String", Overwrite=True)
    assert container.site_url() == "https://x.example"


@mock_aws
def test_site_url_wins_and_nothing_set_means_no_links() -> None:
    assert Container(Settings(SITE_URL="http://127.0.0.1:8000", SITE_URL_PARAMETER=PARAMETER)).site_url() == (
        "http://127.0.0.1:8000")
    assert Container(Settings()).site_url() == ""
