"""Create the KMS data key, the tables, the bucket and the e-mail identity from template.yaml (on moto, locally)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from chamcong.settings import Settings
from chamcong.store.models import MODELS
from face_engine.manifest import available_manifests, load_manifest
from face_engine.model_files import sha256_file, upload_to_s3
from infra.template import parameter_default, resources_of_type, table_definitions

_TABLE_KEYS = ("AttributeDefinitions", "KeySchema", "GlobalSecondaryIndexes", "BillingMode")


def create_tables(dynamodb: Any, settings: Settings, data_key: str | None = None) -> list[str]:
    """The template's tables; encrypted under `data_key` (the local DataKey's ARN) where the template says KMS."""
    created = []
    for logical, properties in table_definitions().items():
        table_name = getattr(settings, MODELS[logical][1])
        arguments = {key: properties[key] for key in _TABLE_KEYS if key in properties}
        if "SSESpecification" in properties:  # CloudFormation says SSEEnabled where the API says Enabled
            sse = properties["SSESpecification"]
            arguments["SSESpecification"] = {"Enabled": sse["SSEEnabled"]}
            if sse.get("SSEType") == "KMS" and data_key is not None:
                arguments["SSESpecification"].update(SSEType="KMS", KMSMasterKeyId=data_key)
        dynamodb.create_table(TableName=table_name, **arguments)
        if "TimeToLiveSpecification" in properties:
            dynamodb.update_time_to_live(TableName=table_name,
                                         TimeToLiveSpecification=properties["TimeToLiveSpecification"])
        created.append(table_name)
    return created


def _local_key(value: Any, data_key: str | None) -> Any:
    """A template reference to DataKey (`!GetAtt DataKey.Arn`, `!Ref DataKey`) as the local key's ARN."""
    if isinstance(value, dict) and (value.get("Fn::GetAtt") in (["DataKey", "Arn"], "DataKey.Arn")
                                    or value.get("Ref") == "DataKey"):
        return data_key
    return value


def create_bucket(s3: Any, settings: Settings, data_key: str | None = None) -> None:
    properties = resources_of_type("AWS::S3::Bucket")["DataBucket"]["Properties"]
    if settings.aws_region == "us-east-1":
        s3.create_bucket(Bucket=settings.data_bucket)
    else:
        s3.create_bucket(Bucket=settings.data_bucket,
                         CreateBucketConfiguration={"LocationConstraint": settings.aws_region})
    s3.put_bucket_encryption(Bucket=settings.data_bucket,
                             ServerSideEncryptionConfiguration={"Rules": [
                                 {"ApplyServerSideEncryptionByDefault": {
                                     name: _local_key(value, data_key)
                                     for name, value in rule["ServerSideEncryptionByDefault"].items()
                                     if _local_key(value, data_key) is not None},
                                  "BucketKeyEnabled": rule.get("BucketKeyEnabled", False)}
                                 for rule in properties["BucketEncryption"]["ServerSideEncryptionConfiguration"]]})
    s3.put_public_access_block(Bucket=settings.data_bucket,
                               PublicAccessBlockConfiguration=properties["PublicAccessBlockConfiguration"])
    rules = []
    for rule in properties["LifecycleConfiguration"]["Rules"]:
        converted: dict[str, Any] = {"ID": rule["Id"], "Status": rule["Status"],
                                     "Filter": {"Prefix": rule.get("Prefix", "")}}
        if "ExpirationInDays" in rule:
            days = rule["ExpirationInDays"]
            converted["Expiration"] = {"Days": int(parameter_default(days["Ref"]) if isinstance(days, dict) else days)}
        if "AbortIncompleteMultipartUpload" in rule:
            converted["AbortIncompleteMultipartUpload"] = rule["AbortIncompleteMultipartUpload"]
        rules.append(converted)
    s3.put_bucket_lifecycle_configuration(Bucket=settings.data_bucket, LifecycleConfiguration={"Rules": rules})


def create_email_identity(ses: Any) -> str:
    identity = resources_of_type("AWS::SES::EmailIdentity")["SenderIdentity"]["Properties"]["EmailIdentity"]
    address = str(parameter_default(identity["Ref"]) if isinstance(identity, dict) else identity)
    ses.verify_email_identity(EmailAddress=address)
    return address


def create_data_key(kms: Any, settings: Settings) -> str:
    """The KMS key that seals secrets, as the template's DataKey (symmetric, rotation on): on the local stack
    (moto) `settings.data_key_id` is an alias, created here with its key when it does not exist yet. Its ARN."""
    key_id = settings.data_key_id
    if key_id.startswith("alias/"):
        for alias in kms.list_aliases()["Aliases"]:
            if alias["AliasName"] == key_id and alias.get("TargetKeyId"):
                return str(kms.describe_key(KeyId=alias["TargetKeyId"])["KeyMetadata"]["Arn"])
        properties = resources_of_type("AWS::KMS::Key")["DataKey"]["Properties"]
        created = kms.create_key(Description="chamcong local data key (moto)", KeyUsage=properties["KeyUsage"],
                                 KeySpec=properties["KeySpec"])["KeyMetadata"]
        if properties.get("EnableKeyRotation"):
            kms.enable_key_rotation(KeyId=created["KeyId"])
        kms.create_alias(AliasName=key_id, TargetKeyId=created["KeyId"])
        return str(created["Arn"])
    return str(kms.describe_key(KeyId=key_id)["KeyMetadata"]["Arn"])


def published_models(settings: Settings) -> list[str]:
    """Model ids the functions load under these settings: detector, embedder, and liveness unless it is off."""
    models = [settings.detector_model, settings.embedding_model]
    liveness = settings.liveness_model.strip()
    if liveness.lower() not in ("", "off"):
        models.append(liveness)
    return models


def upload_models(s3: Any, settings: Settings, models_dir: Path) -> list[str]:
    """Put the detector, embedder and liveness files with their manifests where the functions look for them.

    The configured ones must be there; any other packaged embedder whose file is in the folder is published too,
    so the gallery can be re-embedded for it (`python -m infra.reembed`).
    """
    uploaded = []
    required = published_models(settings)
    others = [model_id for model_id in available_manifests() if model_id not in required
              and load_manifest(model_id).kind == "embedder"
              and (models_dir / load_manifest(model_id).file_name).is_file()]
    for model_id in (*required, *others):
        manifest = load_manifest(model_id)
        path = models_dir / manifest.file_name
        if not path.is_file():
            raise FileNotFoundError(f"{path} is missing: set MODELS_DIR to the folder with {manifest.file_name}")
        if sha256_file(path) != manifest.sha256:
            raise ValueError(f"{path} does not match the sha256 in the {model_id} manifest")
        upload_to_s3(manifest, path, s3, settings.data_bucket, "models/")
        uploaded.append(manifest.file_name)
    return uploaded


def provision(session: Any, settings: Settings, models_dir: Path) -> dict[str, Any]:
    """Everything a fresh local account needs; returns what was created."""
    dynamodb = session.client("dynamodb", region_name=settings.aws_region, endpoint_url=settings.aws_endpoint_url)
    s3 = session.client("s3", region_name=settings.aws_region, endpoint_url=settings.aws_endpoint_url)
    ses = session.client("ses", region_name=settings.aws_region, endpoint_url=settings.aws_endpoint_url)
    kms = session.client("kms", region_name=settings.aws_region, endpoint_url=settings.aws_endpoint_url)
    data_key = create_data_key(kms, settings)
    tables = create_tables(dynamodb, settings, data_key)
    create_bucket(s3, settings, data_key)
    sender = create_email_identity(ses)
    models = upload_models(s3, settings, models_dir)
    return {"tables": tables, "bucket": settings.data_bucket, "sender": sender, "models": models,
            "data_key": data_key}
