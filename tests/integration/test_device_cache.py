"""A warm function keeps the lobby devices it has seen for `device_check_seconds`, so a recognition reads no
device record; what another warm function changes reaches it within that time, a rotation at once for the box.

Two "warm functions" here are two caches over the same moto table, with a clock the test moves. The secrets are
sealed (KMS envelope encryption): a cache opens each sealed value once and keeps its plaintext in memory only.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import boto3
import pytest
from moto import mock_aws

from chamcong import device_signature
from chamcong.errors import Unauthenticated
from chamcong.services.devices import authenticate_device
from chamcong.settings import Settings
from chamcong.store import device_secrets
from chamcong.store.device_cache import DeviceCache
from chamcong.store.models import bind_models
from chamcong.store.models.devices import DeviceModel
from infra.provision import create_data_key, create_tables

NOW = datetime(2026, 11, 20, 0, 40, tzinfo=UTC)
BODY = b'{"capture_id": "cap-1"}'


@pytest.fixture
def device(monkeypatch: pytest.MonkeyPatch) -> Iterator[DeviceModel]:
    monkeypatch.setenv("AWS_REGION", "ap-southeast-1")
    with mock_aws():
        settings = Settings()
        create_tables(boto3.client("dynamodb", region_name="ap-southeast-1"), settings)
        bind_models(settings)
        kms = boto3.client("kms", region_name="ap-southeast-1")
        create_data_key(kms, settings)
        record = DeviceModel("dev_lobby", name="Sảnh", unit_id="unit_1", created_at=NOW,
                             sealed_secret=_sealed("dev_lobby", "old-secret"))
        record.save()
        yield record


def _kms() -> object:
    return boto3.client("kms", region_name="ap-southeast-1")


def _sealed(device_id: str, secret: str) -> dict[str, str]:
    return device_secrets.seal_secret(_kms(), Settings().data_key_id, device_id, secret)


def _cache(check_seconds: float, clock: Clock) -> DeviceCache:
    return DeviceCache(check_seconds, clock, kms=_kms())


class Clock:
    def __init__(self) -> None:
        self.seconds = 1000.0

    def __call__(self) -> float:
        return self.seconds


def _sign_in(cache: DeviceCache, secret: str) -> str:
    stamp = int(NOW.timestamp())
    headers = device_signature.signed_headers("dev_lobby", secret, stamp, BODY)
    try:
        return authenticate_device(headers, BODY, NOW, 300, cache).device_id
    except Unauthenticated as refused:
        return refused.code


def _reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    reads: list[str] = []
    real_get = DeviceModel.get

    def counted(*args: object, **kwargs: object) -> DeviceModel:
        reads.append(str(args[0]))
        return real_get(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(DeviceModel, "get", counted)
    return reads


def test_a_device_seen_is_not_read_again_for_ten_seconds(device: DeviceModel, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock()
    cache = _cache(Settings().device_check_seconds, clock)
    reads = _reads(monkeypatch)
    # GIVEN a box that sends every second
    for _ in range(10):
        assert _sign_in(cache, "old-secret") == "dev_lobby"
        clock.seconds += 0.99
    # THEN its record was read once in those ten seconds, and again after them
    assert reads == ["dev_lobby"]
    clock.seconds += 0.2
    assert _sign_in(cache, "old-secret") == "dev_lobby"
    assert len(reads) == 2


def test_a_revocation_elsewhere_reaches_a_warm_function_within_ten_seconds(device: DeviceModel) -> None:
    clock = Clock()
    cache = _cache(10.0, clock)
    assert _sign_in(cache, "old-secret") == "dev_lobby"
    # WHEN another warm function revokes the device
    device.update(actions=[DeviceModel.status.set("revoked")])
    # THEN this one may still accept it for the rest of its ten seconds, and refuses it after
    clock.seconds += 9.0
    assert _sign_in(cache, "old-secret") == "dev_lobby"
    clock.seconds += 1.0
    assert _sign_in(cache, "old-secret") == "unknown_device"
    assert _sign_in(cache, "old-secret") == "unknown_device"


def test_a_box_given_its_new_secret_is_accepted_at_once_after_a_rotation_elsewhere(device: DeviceModel) -> None:
    clock = Clock()
    cache = _cache(10.0, clock)
    assert _sign_in(cache, "old-secret") == "dev_lobby"
    # WHEN another warm function rotates the secret and the box is given the new one
    device.update(actions=[DeviceModel.sealed_secret.set(_sealed("dev_lobby", "new-secret"))])
    # THEN the new secret works at once (the failed check reads the record again), the old one no longer
    assert _sign_in(cache, "new-secret") == "dev_lobby"
    assert _sign_in(cache, "old-secret") == "invalid_signature"
    # and a forged signature is refused, kept secret or not
    assert _sign_in(cache, "made-up") == "invalid_signature"


def test_an_unknown_device_is_refused_and_not_kept(device: DeviceModel) -> None:
    cache = _cache(10.0, Clock())
    headers = device_signature.signed_headers("dev_nobody", "x", int(NOW.timestamp()), BODY)
    with pytest.raises(Unauthenticated) as refused:
        authenticate_device(headers, BODY, NOW, 300, cache)
    assert refused.value.code == "unknown_device"
    # WHEN the device is registered afterwards THEN it is accepted at once
    DeviceModel("dev_nobody", name="Mới", unit_id="unit_1", sealed_secret=_sealed("dev_nobody", "x"),
                created_at=NOW).save()
    assert authenticate_device(headers, BODY, NOW, 300, cache).device_id == "dev_nobody"


def _decrypts(monkeypatch: pytest.MonkeyPatch, kms: object) -> list[str]:
    calls: list[str] = []
    real = kms.decrypt  # type: ignore[attr-defined]

    def counted(**kwargs: object) -> object:
        calls.append(str(kwargs["EncryptionContext"]["device_id"]))  # type: ignore[index]
        return real(**kwargs)

    monkeypatch.setattr(kms, "decrypt", counted)
    return calls


def test_a_sealed_secret_is_opened_once_per_sealed_value_and_again_after_a_rotation(
        device: DeviceModel, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock()
    kms = _kms()
    decrypts = _decrypts(monkeypatch, kms)
    cache = DeviceCache(10.0, clock, kms=kms)
    # GIVEN a box that sends for a minute (its record re-read every ten seconds)
    for _ in range(60):
        assert _sign_in(cache, "old-secret") == "dev_lobby"
        clock.seconds += 1.0
    # THEN KMS was asked once for its secret
    assert decrypts == ["dev_lobby"]
    # WHEN the secret is rotated elsewhere THEN the new sealed value is opened once, and the old secret refused
    device.update(actions=[DeviceModel.sealed_secret.set(_sealed("dev_lobby", "new-secret"))])
    assert _sign_in(cache, "new-secret") == "dev_lobby"
    assert _sign_in(cache, "old-secret") == "invalid_signature"
    assert decrypts == ["dev_lobby", "dev_lobby"]


def test_a_sealed_secret_copied_onto_another_device_does_not_open_there(device: DeviceModel) -> None:
    # GIVEN someone with write access to the table copies dev_lobby's sealed secret onto another device
    DeviceModel("dev_copy", name="Chép", unit_id="unit_1", sealed_secret=device.sealed_secret, created_at=NOW).save()
    cache = _cache(10.0, Clock())
    headers = device_signature.signed_headers("dev_copy", "old-secret", int(NOW.timestamp()), BODY)
    # THEN requests signed with that secret as dev_copy are refused
    with pytest.raises(Unauthenticated) as refused:
        authenticate_device(headers, BODY, NOW, 300, cache)
    assert refused.value.code == "invalid_signature"


def test_a_plain_secret_left_by_an_older_version_still_verifies_until_sealed(device: DeviceModel) -> None:
    # GIVEN a record written before secrets were sealed
    DeviceModel("dev_old", name="Cũ", unit_id="unit_1", plain_secret="plain-secret", created_at=NOW).save()
    cache = _cache(0.0, Clock())
    headers = device_signature.signed_headers("dev_old", "plain-secret", int(NOW.timestamp()), BODY)
    assert authenticate_device(headers, BODY, NOW, 300, cache).device_id == "dev_old"
    # WHEN it is sealed THEN no plain attribute is left and the same secret still verifies
    assert device_secrets.seal_plain(_kms(), Settings().data_key_id, DeviceModel.get("dev_old"))
    raw = boto3.client("dynamodb", region_name="ap-southeast-1").get_item(
        TableName=Settings().devices_table, Key={"device_id": {"S": "dev_old"}})["Item"]
    assert "secret" not in raw and "plain-secret" not in str(raw)
    assert authenticate_device(headers, BODY, NOW, 300, cache).device_id == "dev_old"
    # AND sealing again does nothing
    assert not device_secrets.seal_plain(_kms(), Settings().data_key_id, DeviceModel.get("dev_old"))


def test_sealing_or_rewrapping_a_record_rotated_meanwhile_leaves_the_rotation_in_place(device: DeviceModel) -> None:
    kms, key = _kms(), Settings().data_key_id
    # GIVEN the one-off command has read a plain record, and an admin rotates the device before it writes
    DeviceModel("dev_old", name="Cũ", unit_id="unit_1", plain_secret="plain-secret", created_at=NOW).save()
    read_by_command = DeviceModel.get("dev_old")
    DeviceModel.get("dev_old").update(actions=[DeviceModel.sealed_secret.set(_sealed("dev_old", "rotated")),
                                               DeviceModel.plain_secret.remove()])
    # WHEN the command seals what it read THEN it writes nothing: the rotated secret works, the old one does not
    assert not device_secrets.seal_plain(kms, key, read_by_command)
    cache = _cache(0.0, Clock())

    def signs(secret: str) -> bool:
        headers = device_signature.signed_headers("dev_old", secret, int(NOW.timestamp()), BODY)
        try:
            return authenticate_device(headers, BODY, NOW, 300, cache).device_id == "dev_old"
        except Unauthenticated:
            return False

    assert signs("rotated") and not signs("plain-secret")
    # GIVEN the rewrap command has read the record, and it is rotated again before the rewrap writes
    new_key = kms.create_key()["KeyMetadata"]["Arn"]  # type: ignore[attr-defined]
    read_by_rewrap = DeviceModel.get("dev_old")
    DeviceModel.get("dev_old").update(actions=[DeviceModel.sealed_secret.set(_sealed("dev_old", "again"))])
    # THEN the rewrap writes nothing over the newer secret (a second run moves it)
    assert not device_secrets.rewrap_sealed(kms, read_by_rewrap, new_key)
    assert signs("again") and not signs("rotated")
    assert device_secrets.rewrap_sealed(kms, DeviceModel.get("dev_old"), new_key)
    assert DeviceModel.get("dev_old").sealed_secret["key_id"] == new_key
    assert signs("again")
