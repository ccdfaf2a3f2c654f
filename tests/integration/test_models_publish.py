"""Publishing model files to a stack's bucket: downloaded over HTTP, verified, then loadable by a function."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from face_engine.manifest import load_manifest
from face_engine.model_files import ModelIntegrityError, ModelStore
from infra.publish_models import main, publish


@pytest.fixture
def model_server(models_dir: Path) -> Iterator[str]:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(models_dir))
    handler.log_message = lambda *args: None  # type: ignore[method-assign]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@mock_aws
def test_a_model_downloaded_from_its_url_is_published_and_loads(model_server: str, tmp_path: Path) -> None:
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="stack-data")
    # WHEN the embedding model is published from its web address
    keys = publish(s3, "stack-data", ["mobilefacenet_128d"], None, f"{model_server}/mobilefacenet_128d.onnx")
    # THEN the file and its manifest are in the bucket, and a function's store verifies and caches it
    assert keys == ["models/mobilefacenet_128d.onnx", "models/mobilefacenet_128d.json"]
    store = ModelStore(tmp_path / "cache", s3_client=s3, bucket="stack-data")
    path = store.path_for(load_manifest("mobilefacenet_128d"))
    assert path.stat().st_size == load_manifest("mobilefacenet_128d").size_bytes


@mock_aws
def test_a_file_that_is_not_the_manifest_s_model_is_refused_and_not_uploaded(model_server: str) -> None:
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="stack-data")
    # GIVEN a URL that serves another model than the one named
    with pytest.raises(ModelIntegrityError):
        publish(s3, "stack-data", ["mobilefacenet_128d"], None, f"{model_server}/mobilefacenet_128d_sfapi.onnx")
    assert s3.list_objects_v2(Bucket="stack-data").get("KeyCount", 0) == 0
    # and the command says so with a non-zero exit
    code = main(["publish", "--bucket", "stack-data", "--model", "mobilefacenet_128d",
                 "--url", f"{model_server}/face_detection_yunet_2023mar.onnx"])
    assert code == 1


@mock_aws
def test_the_first_admin_of_a_deployed_stack(monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    from chamcong.passwords import verify_password
    from chamcong.settings import Settings
    from chamcong.store.models.accounts import AccountModel
    from infra.admin import main as admin_main
    from infra.provision import create_tables

    create_tables(boto3.client("dynamodb", region_name="ap-southeast-1"), Settings(accounts_table="stack-accounts"))
    monkeypatch.setenv("BOOTSTRAP_ADMIN_PASSWORD", "một-mật-khẩu-dài")
    assert admin_main(["create", "--accounts-table", "stack-accounts", "--region", "ap-southeast-1"]) == 0
    admin = AccountModel.get("admin")
    assert verify_password(admin.password_hash, "một-mật-khẩu-dài")
    # … and, unlike the local stack's, it is temporary: changed within 5 days or the account locks
    assert admin.must_change_password and admin.password_deadline is not None
    assert timedelta(days=4, hours=23) < admin.password_deadline - datetime.now(UTC) <= timedelta(days=5)
    assert "within 5 days" in capsys.readouterr().out
    # A second run changes nothing
    monkeypatch.setenv("BOOTSTRAP_ADMIN_PASSWORD", "another-long-password")
    assert admin_main(["create", "--accounts-table", "stack-accounts", "--region", "ap-southeast-1"]) == 0
    assert "already exists" in capsys.readouterr().out
    assert verify_password(AccountModel.get("admin").password_hash, "một-mật-khẩu-dài")


@mock_aws
def test_the_liveness_model_is_published_by_default_and_loaded_by_the_recognition_container(
        model_server: str, models_dir: Path, tmp_path: Path) -> None:
    from chamcong.container import Container
    from chamcong.settings import Settings
    from face_engine.liveness import LivenessModel
    from infra.provision import published_models, upload_models
    from infra.publish_models import DEFAULT_MODELS

    # GIVEN the template's defaults: the publish command and the local provisioning both carry the liveness model
    assert "minifasnetv2se_128" in DEFAULT_MODELS
    settings = Settings(data_bucket="stack-data", model_cache_dir=str(tmp_path / "cache"),
                        aws_region="us-east-1", embedding_model="mobilefacenet_128d")
    assert published_models(settings)[-1] == "minifasnetv2se_128"
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="stack-data")
    keys = publish(s3, "stack-data", ["minifasnetv2se_128"], None, f"{model_server}/antispoof_minifasnetv2se_128.onnx")
    assert keys == ["models/antispoof_minifasnetv2se_128.onnx", "models/minifasnetv2se_128.json"]
    # WHEN the recognition function's container asks for it
    model = Container(settings).liveness()
    # THEN it is loaded from the verified copy, once
    assert isinstance(model, LivenessModel) and model.model_id == "minifasnetv2se_128"
    assert (tmp_path / "cache" / "antispoof_minifasnetv2se_128.onnx").is_file()
    # AND switched off ("" or "off"), it is neither loaded nor provisioned
    for off in ("", "off", " OFF "):
        switched_off = Settings(data_bucket="stack-data", liveness_model=off, aws_region="us-east-1")
        assert Container(switched_off).liveness() is None
        assert "minifasnetv2se_128" not in published_models(switched_off)
    # AND provisioning a local stack uploads it beside the detector and the embedder
    assert "antispoof_minifasnetv2se_128.onnx" in upload_models(s3, settings, models_dir)


@mock_aws
def test_a_liveness_setting_naming_another_kind_of_model_is_refused(tmp_path: Path) -> None:
    from chamcong.container import Container
    from chamcong.settings import Settings

    settings = Settings(data_bucket="stack-data", liveness_model="yunet_2023mar", aws_region="us-east-1",
                        model_cache_dir=str(tmp_path / "cache"))
    with pytest.raises(ValueError, match="not a liveness model"):
        Container(settings).liveness()
