"""The deployment's KMS key (DataKey): it encrypts the bucket and every table, seals the device secrets, rotates
every year, and each function may use it only as far as its work needs (least privilege, checked here from the
function's own S3 permissions and the routes it serves)."""

from __future__ import annotations

from typing import Any

import app as api_module
from chamcong.http import DEVICE
from infra.template import api_routes, load_template, resources_of_type

DATA_KEY = {"Fn::GetAtt": ["DataKey", "Arn"]}
SIGNING_KEY = {"Fn::GetAtt": ["EvidenceSigningKey", "Arn"]}
# The routes that give a device a new secret (sealed: a data key generated under the device-secret context).
SEALING_ROUTES = {("/v1/devices", "POST"), ("/v1/devices/{device_id}/rotate", "POST")}
S3_NEEDS = {"s3:GetObject": "kms:Decrypt", "s3:PutObject": "kms:GenerateDataKey"}


def _statements(function: dict[str, Any]) -> list[dict[str, Any]]:
    return [statement for policy in function["Properties"].get("Policies", []) if isinstance(policy, dict)
            for statement in policy.get("Statement", [])]


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _kms_statements(function: dict[str, Any]) -> list[dict[str, Any]]:
    """The function's statements on the data key (the evidence signing key's are checked apart)."""
    return [s for s in _statements(function) if any(str(a).startswith("kms:") for a in _listed(s["Action"]))
            and _listed(s.get("Resource", [])) != [SIGNING_KEY]]


def _signing_statements(function: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in _statements(function) if any(str(a).startswith("kms:") for a in _listed(s["Action"]))
            and _listed(s.get("Resource", [])) == [SIGNING_KEY]]


def _bucket_actions(function: dict[str, Any]) -> set[str]:
    """The S3 object actions the function has on the data bucket."""
    actions = set()
    for statement in _statements(function):
        resources = _listed(statement.get("Resource", []))
        if any("DataBucket.Arn" in str(resource) for resource in resources):
            actions |= {str(action) for action in _listed(statement["Action"]) if str(action).startswith("s3:")}
    return actions


def test_the_data_key_is_symmetric_rotated_yearly_retained_and_administered_through_iam() -> None:
    key = resources_of_type("AWS::KMS::Key")["DataKey"]
    properties = key["Properties"]
    assert (properties["KeyUsage"], properties["KeySpec"]) == ("ENCRYPT_DECRYPT", "SYMMETRIC_DEFAULT")
    assert properties["EnableKeyRotation"] is True
    assert key["DeletionPolicy"] == "Retain" and key["UpdateReplacePolicy"] == "Retain"
    # The key policy only delegates to the account's IAM: no other account, no wildcard principal
    for statement in properties["KeyPolicy"]["Statement"]:
        assert statement["Principal"] == {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}}
    assert resources_of_type("AWS::KMS::Alias")["DataKeyAlias"]["Properties"]["TargetKeyId"] == {"Ref": "DataKey"}


def test_the_bucket_and_every_table_are_encrypted_under_the_data_key() -> None:
    bucket = resources_of_type("AWS::S3::Bucket")["DataBucket"]["Properties"]
    for rule in bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]:
        assert rule["ServerSideEncryptionByDefault"] == {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": DATA_KEY}
        assert rule["BucketKeyEnabled"] is True  # one KMS call per object key period, not per object
    tables = resources_of_type("AWS::DynamoDB::Table")
    assert tables
    for name, table in tables.items():
        assert table["Properties"]["SSESpecification"] == {"SSEEnabled": True, "SSEType": "KMS",
                                                           "KMSMasterKeyId": DATA_KEY}, name


def test_every_function_is_told_the_data_key_and_so_is_the_operator() -> None:
    template = load_template()
    assert template["Globals"]["Function"]["Environment"]["Variables"]["DATA_KEY_ID"] == DATA_KEY
    assert template["Outputs"]["DataKeyArn"]["Value"] == DATA_KEY


def test_each_function_may_use_the_data_key_for_its_bucket_objects_only_through_s3_and_only_as_it_needs() -> None:
    for name, function in resources_of_type("AWS::Serverless::Function").items():
        needed = {S3_NEEDS[action] for action in _bucket_actions(function) if action in S3_NEEDS}
        via_s3 = [s for s in _kms_statements(function)
                  if "kms:ViaService" in s.get("Condition", {}).get("StringEquals", {})]
        granted = {action for statement in via_s3 for action in _listed(statement["Action"])}
        assert granted == needed, f"{name}: S3 needs {sorted(needed)}, granted {sorted(granted)}"
        for statement in via_s3:
            assert statement["Resource"] == [DATA_KEY], name
            assert statement["Condition"]["StringEquals"]["kms:ViaService"] == {
                "Fn::Sub": "s3.${AWS::Region}.amazonaws.com"}, name


def test_only_the_functions_that_verify_devices_open_secrets_and_only_those_that_give_secrets_seal_them() -> None:
    routes = api_routes()
    verifying = {routes[(spec.path, spec.method)] for spec in api_module.api.specs if spec.permission == DEVICE}
    sealing = {routes[route] for route in SEALING_ROUTES}
    # today's split: recognitions and clip uploads verify devices, the API function also gives secrets
    assert verifying == {"RecognitionFunction", "ApiFunction"} and sealing == {"ApiFunction"}
    for name, function in resources_of_type("AWS::Serverless::Function").items():
        secret_statements = [s for s in _kms_statements(function)
                             if "kms:ViaService" not in s.get("Condition", {}).get("StringEquals", {})]
        granted = {action for statement in secret_statements for action in _listed(statement["Action"])}
        expected = ({"kms:Decrypt"} if name in verifying else set()) | (
            {"kms:GenerateDataKey"} if name in sealing else set())
        assert granted == expected, f"{name}: {sorted(granted)} on device secrets, expected {sorted(expected)}"
        for statement in secret_statements:
            assert statement["Resource"] == [DATA_KEY], name
            assert statement["Condition"] == {"StringEquals": {"kms:EncryptionContext:purpose": "device-secret"}}, name


def test_no_function_may_administer_a_key_or_use_another() -> None:
    for name, function in resources_of_type("AWS::Serverless::Function").items():
        for statement in _kms_statements(function):
            assert set(_listed(statement["Action"])) <= {"kms:Decrypt", "kms:GenerateDataKey"}, name
            assert statement["Resource"] == [DATA_KEY] and statement.get("Condition"), name
        # The evidence signing key: only the API function (which makes bundles) signs and reads its public key
        signing = {action for statement in _signing_statements(function) for action in _listed(statement["Action"])}
        assert signing == ({"kms:Sign", "kms:GetPublicKey"} if name == "ApiFunction" else set()), name
