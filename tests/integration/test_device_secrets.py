"""Device secrets are stored sealed (envelope encryption under the deployment's KMS key, moto here): registering
or rotating leaves no plain secret in the devices table, the signatures still verify, plain secrets left by an
older version are sealed by `python -m infra.seal_secrets`, and `python -m infra.rewrap_secrets --to-key` moves
every secret to a new key so that the old one can be disabled."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from chamcong.settings import Settings
from chamcong.store.models.audit import AuditModel
from infra import rewrap_secrets, seal_secrets
from tests.integration.harness import Product
from tests.kms_like_aws import disabled_keys_refused

BODY = b'{"capture_id": "cap-1"}'  # fails validation, but only once the signature is accepted


@pytest.fixture
def strict_kms() -> Iterator[None]:
    with disabled_keys_refused():
        yield


def _accepted(product: Product, device_id: str, secret: str) -> bool:
    reply = product.signed_post("/v1/recognitions", BODY, device_id, secret=secret)
    assert reply.status in (400, 401), reply.body
    return bool(reply.body["code"] == "validation_error")


def _raw_devices() -> list[dict[str, Any]]:
    client = boto3.client("dynamodb", region_name="ap-southeast-1")
    return list(client.scan(TableName=Settings().devices_table)["Items"])


def _traces(secret: str) -> tuple[str, ...]:
    return (secret, base64.b64encode(secret.encode()).decode(), secret.encode().hex())


def _audit(action: str) -> list[dict[str, Any]]:
    """The command's entries (written at the operator's real time, not the product's clock)."""
    return [{"actor": entry.actor, "details": entry.details} for entry in AuditModel.scan() if entry.action == action]


def test_registering_and_rotating_leave_no_plain_secret_in_the_devices_table(product: Product) -> None:
    unit = product.unit("UBND xã Tú Lý")
    # GIVEN two devices registered, one of them rotated
    first, first_secret = product.device(unit, "Sảnh A")
    second, old = product.device(unit, "Sảnh B")
    rotated = product.post(f"/v1/devices/{second}/rotate")
    assert rotated.status == 200, rotated.body
    new = rotated.body["secret"]
    # THEN no item has a plain secret attribute, and no secret shown is anywhere in the table, in any encoding
    items = _raw_devices()
    assert {item["device_id"]["S"] for item in items} == {first, second}
    dumped = json.dumps(items)
    for item in items:
        assert "secret" not in item and "sealed_secret" in item
        sealed = json.loads(item["sealed_secret"]["S"])
        assert set(sealed) == {"ciphertext", "nonce", "wrapped_key", "key_id"}
        assert sealed["key_id"].startswith("arn:aws:kms:ap-southeast-1:")
    for secret in (first_secret, old, new):
        assert not any(trace in dumped for trace in _traces(secret))
    # AND the signatures still verify: the registered secret, the rotated one; the replaced one no longer
    assert _accepted(product, first, first_secret)
    assert _accepted(product, second, new)
    assert not _accepted(product, second, old)


def test_a_plain_secret_of_an_older_version_is_sealed_by_the_one_off_command(
        product: Product, capsys: pytest.CaptureFixture[str]) -> None:
    unit = product.unit("UBND xã Tú Lý")
    # GIVEN a device record written by an older version: its secret a plain attribute
    client = boto3.client("dynamodb", region_name="ap-southeast-1")
    client.put_item(TableName=Settings().devices_table, Item={
        "device_id": {"S": "dev_old"}, "name": {"S": "Sảnh cũ"}, "unit_id": {"S": unit}, "secret": {"S": "plain-1"},
        "status": {"S": "active"}, "created_at": {"S": "2026-01-02T03:04:05.000000+0000"}})
    sealed_device, sealed_secret = product.device(unit, "Sảnh mới")
    # THEN it keeps working (the box is not cut off by the upgrade)
    assert _accepted(product, "dev_old", "plain-1")
    # WHEN the one-off command runs (twice)
    assert seal_secrets.main([]) == 0
    assert "sealed now: 1" in capsys.readouterr().out
    assert seal_secrets.main([]) == 0
    assert "sealed now: 0" in capsys.readouterr().out
    # THEN the plain attribute is gone, the secret is nowhere in the table, and the box's signatures still verify
    items = {item["device_id"]["S"]: item for item in _raw_devices()}
    assert "secret" not in items["dev_old"] and "sealed_secret" in items["dev_old"]
    assert not any(trace in json.dumps(items) for trace in _traces("plain-1"))
    product.container.device_cache.forget("dev_old")
    assert _accepted(product, "dev_old", "plain-1")
    assert _accepted(product, sealed_device, sealed_secret)
    # AND each run is audited with its counts
    runs = _audit("device.secrets_sealed")
    assert sorted(entry["details"]["sealed"] for entry in runs) == [0, 1]
    assert all(entry["actor"].startswith("operator:") for entry in runs)
    assert not any(trace in json.dumps(runs) for trace in _traces("plain-1"))


def test_rewrapped_to_a_new_key_the_old_key_disabled_the_devices_still_verify(
        product: Product, strict_kms: None, capsys: pytest.CaptureFixture[str]) -> None:
    unit = product.unit("UBND xã Tú Lý")
    first, first_secret = product.device(unit, "Sảnh A")
    second, second_secret = product.device(unit, "Sảnh B")
    kms = boto3.client("kms", region_name="ap-southeast-1")
    old_key = kms.describe_key(KeyId=Settings().data_key_id)["KeyMetadata"]
    # GIVEN a new key, WHEN every secret is moved to it (twice: the second run changes nothing)
    new_key = kms.create_key(Description="the new data key")["KeyMetadata"]
    assert rewrap_secrets.main(["--to-key", new_key["KeyId"]]) == 0
    assert "rewrapped: 2" in capsys.readouterr().out
    assert rewrap_secrets.main(["--to-key", new_key["Arn"]]) == 0
    assert "rewrapped: 0" in capsys.readouterr().out
    # AND the deployment now seals under the new key (DATA_KEY_ID; here its alias), and the old key is disabled
    kms.update_alias(AliasName=Settings().data_key_id, TargetKeyId=new_key["KeyId"])
    kms.disable_key(KeyId=old_key["KeyId"])
    # THEN every secret names the new key, and in a fresh warm function (nothing kept) the signatures verify
    assert {json.loads(item["sealed_secret"]["S"])["key_id"] for item in _raw_devices()} == {new_key["Arn"]}
    for device_id in (first, second):
        product.container.device_cache.forget(device_id)
    assert _accepted(product, first, first_secret)
    assert _accepted(product, second, second_secret)
    # AND a device registered or rotated afterwards works too
    third, third_secret = product.device(unit, "Sảnh C")
    assert _accepted(product, third, third_secret)
    rotated = product.post(f"/v1/devices/{first}/rotate").body["secret"]
    assert _accepted(product, first, rotated) and not _accepted(product, first, first_secret)
    moved = _audit("device.secrets_rewrapped")
    assert sorted(entry["details"]["rewrapped"] for entry in moved) == [0, 2]
    assert {entry["details"]["to_key_id"] for entry in moved} == {new_key["Arn"]}


def test_with_the_old_key_disabled_before_the_rewrap_the_devices_are_refused(product: Product,
                                                                              strict_kms: None) -> None:
    """What the rewrap is for (and proof that the test above can fail): a secret still wrapped by a disabled key
    does not open, so a warm function that has not kept it cannot verify the box."""
    unit = product.unit("UBND xã Tú Lý")
    device_id, secret = product.device(unit)
    kms = boto3.client("kms", region_name="ap-southeast-1")
    kms.disable_key(KeyId=kms.describe_key(KeyId=Settings().data_key_id)["KeyMetadata"]["KeyId"])
    product.container.device_cache.forget(device_id)
    reply = product.signed_post("/v1/recognitions", BODY, device_id, secret=secret)
    assert reply.status == 500


def test_a_device_registered_before_any_photo_leaves_the_bucket_usable(product: Product) -> None:
    """A fresh warm function whose first work is a device (the KMS client made first) still writes photos: the
    clients share one botocore session, and a second boto3 Session over it used to break the S3 client."""
    container = type(product.container)(product.container.settings, clock=product.clock)
    assert container.kms.list_keys()["Keys"] and container.ses and container.sqs
    container.s3.put_object(Bucket=container.settings.data_bucket, Key="faces/probe", Body=b"x")
    assert container.s3.get_object(Bucket=container.settings.data_bucket, Key="faces/probe")["Body"].read() == b"x"
