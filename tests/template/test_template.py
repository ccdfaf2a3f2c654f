"""template.yaml stays in step with the code: routes, functions, tables and environment."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import app as api_module
from chamcong.settings import Settings
from chamcong.store.models import MODELS
from face_engine.manifest import load_manifest
from infra.template import api_routes, load_template, resources_of_type, table_definitions

REPO = Path(__file__).resolve().parents[2]


def _chalice_routes() -> set[tuple[str, str]]:
    return {(path, method) for path, methods in api_module.app.routes.items() for method in methods}


def test_template_routes_equal_chalice_routes() -> None:
    assert set(api_routes()) == _chalice_routes()


def test_face_routes_run_in_the_function_with_the_vision_layer_and_only_the_face_functions_carry_it() -> None:
    functions = resources_of_type("AWS::Serverless::Function")
    with_vision = {name for name, resource in functions.items()
                   if {"Ref": "VisionLayer"} in resource["Properties"].get("Layers", [])}
    assert with_vision == {"RecognitionFunction", "ReembedFunction"}
    routes = api_routes()
    for spec in api_module.api.specs:
        served_by = routes[(spec.path, spec.method)]
        assert (served_by in with_vision) == spec.vision, f"{spec.method} {spec.path} is served by {served_by}"


def test_only_the_vision_layer_ships_opencv() -> None:
    domain = (REPO / "layers/domain/requirements.txt").read_text()
    vision = (REPO / "layers/vision/requirements.txt").read_text()
    assert "opencv" not in domain and "numpy" not in domain
    assert "opencv-python-headless" in vision


def _model_schema(model: Any) -> dict[str, Any]:
    schema = model._get_schema()
    return {
        "keys": {(key["AttributeName"], key["KeyType"]) for key in schema["key_schema"]},
        "attributes": {(a["AttributeName"], a["AttributeType"]) for a in schema["attribute_definitions"]},
        "indexes": {index["index_name"]: ({(k["AttributeName"], k["KeyType"]) for k in index["key_schema"]},
                                          index["projection"]["ProjectionType"])
                    for index in schema["global_secondary_indexes"]},
    }


def _template_schema(properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "keys": {(key["AttributeName"], key["KeyType"]) for key in properties["KeySchema"]},
        "attributes": {(a["AttributeName"], a["AttributeType"]) for a in properties["AttributeDefinitions"]},
        "indexes": {index["IndexName"]: ({(k["AttributeName"], k["KeyType"]) for k in index["KeySchema"]},
                                         index["Projection"]["ProjectionType"])
                    for index in properties.get("GlobalSecondaryIndexes", [])},
    }


def test_template_tables_equal_the_pynamodb_models() -> None:
    tables = table_definitions()
    assert set(tables) == set(MODELS)
    for logical, (model, _) in MODELS.items():
        assert _template_schema(tables[logical]) == _model_schema(model), logical


def test_tables_are_encrypted_recoverable_and_retained() -> None:
    for name, resource in resources_of_type("AWS::DynamoDB::Table").items():
        properties = resource["Properties"]
        assert properties["SSESpecification"]["SSEEnabled"] is True, name
        assert properties["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True, name
        assert resource["DeletionPolicy"] == "Retain", name


def test_every_table_and_the_bucket_reach_the_functions_under_the_settings_names() -> None:
    variables = load_template()["Globals"]["Function"]["Environment"]["Variables"]
    for logical, (_, setting) in MODELS.items():
        assert variables[setting.upper()] == {"Ref": f"{logical}Table"}
        assert setting in Settings.model_fields
    assert variables["DATA_BUCKET"] == {"Ref": "DataBucket"}


def test_bucket_is_private_encrypted_and_expires_snapshots() -> None:
    bucket = resources_of_type("AWS::S3::Bucket")["DataBucket"]["Properties"]
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]
    rules = {rule["Id"]: rule for rule in bucket["LifecycleConfiguration"]["Rules"]}
    assert rules["snapshot-retention"]["Prefix"] == "snapshots/"
    assert rules["snapshot-retention"]["ExpirationInDays"] == {"Ref": "SnapshotRetentionDays"}


def test_the_frames_of_a_refused_spoof_have_their_own_shorter_retention() -> None:
    template = load_template()
    rules = {rule["Id"]: rule for rule in
             resources_of_type("AWS::S3::Bucket")["DataBucket"]["Properties"]["LifecycleConfiguration"]["Rules"]}
    # The frames under spoofs/ expire on their own clock, and the record in the spoofs table with them
    assert rules["spoof-retention"]["Prefix"] == "spoofs/"
    assert rules["spoof-retention"]["ExpirationInDays"] == {"Ref": "SpoofRetentionDays"}
    parameters = template["Parameters"]
    assert parameters["SpoofRetentionDays"]["Default"] < parameters["SnapshotRetentionDays"]["Default"]
    assert parameters["SpoofRetentionDays"]["Default"] == Settings.model_fields["spoof_retention_days"].default
    variables = template["Globals"]["Function"]["Environment"]["Variables"]
    assert variables["SPOOF_RETENTION_DAYS"] == {"Ref": "SpoofRetentionDays"}
    table = resources_of_type("AWS::DynamoDB::Table")["SpoofsTable"]["Properties"]
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    # Only the recognition function writes them (frames and record); the reports read the day's records
    granted = {name: [(action, str(resource)) for statement in function["Properties"]["Policies"][0]["Statement"]
                      for action in statement["Action"] for resource in statement["Resource"]]
               for name, function in resources_of_type("AWS::Serverless::Function").items()}
    writers = {name for name, grants in granted.items()
               if ("dynamodb:PutItem", str({"Fn::GetAtt": ["SpoofsTable", "Arn"]})) in grants}
    assert writers == {"RecognitionFunction"}
    assert any(action == "s3:PutObject" and "/spoofs/*" in resource
               for action, resource in granted["RecognitionFunction"])
    assert ("dynamodb:Query", str({"Fn::GetAtt": ["SpoofsTable", "Arn"]})) in granted["ReportsFunction"]


def test_no_function_is_granted_wildcard_actions() -> None:
    for name, resource in resources_of_type("AWS::Serverless::Function").items():
        for policy in resource["Properties"]["Policies"]:
            for statement in policy["Statement"]:
                actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
                assert all("*" not in action for action in actions), name
                assert statement["Resource"] != "*", name


def test_cfn_lint_is_clean() -> None:
    lint = Path(sys.executable).parent / "cfn-lint"
    result = subprocess.run([str(lint), str(REPO / "template.yaml")],
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, version = line.split("==", 1)
            pins[name.lower().replace("_", "-")] = version.strip()
    return pins


def test_layers_pin_the_versions_the_tests_run_with() -> None:
    dev = _pins(REPO / "requirements/dev.txt")
    for layer in ("domain", "vision"):
        for name, version in _pins(REPO / f"layers/{layer}/requirements.txt").items():
            assert dev.get(name) == version, f"{layer} layer pins {name}=={version}, dev has {dev.get(name)}"


def test_layers_are_built_by_their_makefiles() -> None:
    for name, resource in resources_of_type("AWS::Serverless::LayerVersion").items():
        assert resource["Metadata"]["BuildMethod"] == "makefile"
        makefile = REPO / resource["Properties"]["ContentUri"] / "Makefile"
        assert f"build-{name}:" in makefile.read_text(), f"{makefile} has no build-{name} target"


def test_api_gateway_s_own_answers_use_the_catalogue_s_codes_and_words() -> None:
    import json

    from chamcong.messages import CATALOGUE

    responses = resources_of_type("AWS::Serverless::Api")["Api"]["Properties"]["GatewayResponses"]
    for name, response in responses.items():
        body = json.loads(response["ResponseTemplates"]["application/json"])
        assert body["message"] == CATALOGUE[body["code"]].vi, name
        if "StatusCode" in response:
            assert int(response["StatusCode"]) == CATALOGUE[body["code"]].status, name


def test_every_binary_answer_a_route_gives_is_carried_as_bytes_by_api_gateway_and_chalice() -> None:
    # GIVEN the routes that answer a binary file (an .xlsx attachment)
    from chamcong.schemas.common import is_textual

    binary = {spec.produces for spec in api_module.api.specs if spec.produces and not is_textual(spec.produces)}
    assert binary  # the daily reports' attachment at least
    # THEN API Gateway lists each as a binary media type, and chalice base64-encodes it
    listed = resources_of_type("AWS::Serverless::Api")["Api"]["Properties"]["BinaryMediaTypes"]
    assert binary <= {media.replace("~1", "/") for media in listed}
    assert binary <= set(api_module.app.api.binary_types)


def test_every_function_handler_exists_in_its_code() -> None:
    import importlib

    for name, resource in resources_of_type("AWS::Serverless::Function").items():
        properties = resource["Properties"]
        assert properties["CodeUri"] == "functions/api/", name
        module, attribute = properties["Handler"].rsplit(".", 1)
        assert callable(getattr(importlib.import_module(module), attribute)), name


def test_the_reports_run_on_a_schedule_in_vietnam_time_and_are_retried() -> None:
    events = resources_of_type("AWS::Serverless::Function")["ReportsFunction"]["Properties"]["Events"]
    assert {name: event["Type"] for name, event in events.items()} == {
        "MorningReport": "ScheduleV2", "EveningReport": "ScheduleV2",
        "WfhUnitsReport": "ScheduleV2", "WfhProvinceReport": "ScheduleV2"}
    for event in events.values():
        assert event["Properties"]["ScheduleExpressionTimezone"] == "Asia/Ho_Chi_Minh"
        assert event["Properties"]["RetryPolicy"]["MaximumRetryAttempts"] >= 1
    # The afternoon reports: 16:00 to the units and Home Affairs, 17:00 to the province, dispatched by their input.
    parameters = load_template()["Parameters"]
    for name, parameter, default, kind in (("WfhUnitsReport", "WfhUnitsReportSchedule", "cron(0 16 * * ? *)", "units"),
                                           ("WfhProvinceReport", "WfhProvinceReportSchedule", "cron(0 17 * * ? *)",
                                            "province")):
        assert events[name]["Properties"]["ScheduleExpression"] == {"Ref": parameter}
        assert parameters[parameter]["Default"] == default
        assert json.loads(events[name]["Properties"]["Input"]) == {"report": "wfh", "kind": kind}


def test_the_liveness_model_reaches_the_recognition_function_only_and_can_be_switched_off() -> None:
    template = load_template()
    parameter = template["Parameters"]["LivenessModel"]
    # The default is the packaged liveness manifest; an empty value switches liveness off (Settings reads "").
    assert parameter["Default"] == Settings.model_fields["liveness_model"].default
    assert load_manifest(parameter["Default"]).kind == "liveness"
    assert "" in parameter["AllowedValues"]
    assert "LIVENESS_MODEL" not in template["Globals"]["Function"]["Environment"]["Variables"]
    for name, resource in resources_of_type("AWS::Serverless::Function").items():
        variables = resource["Properties"].get("Environment", {}).get("Variables", {})
        if name == "RecognitionFunction":
            assert variables["LIVENESS_MODEL"] == {"Ref": "LivenessModel"}
        else:
            assert "LIVENESS_MODEL" not in variables, name
def test_the_re_embedding_job_is_continued_on_a_schedule_and_may_read_photos_and_write_galleries() -> None:
    function = resources_of_type("AWS::Serverless::Function")["ReembedFunction"]["Properties"]
    assert function["Handler"] == "scheduled.reembed" and function["Timeout"] == 900
    events = function["Events"]
    assert [event["Type"] for event in events.values()] == ["ScheduleV2"]
    for event in events.values():
        assert event["Properties"]["ScheduleExpressionTimezone"] == "Asia/Ho_Chi_Minh"
        assert event["Properties"]["RetryPolicy"]["MaximumRetryAttempts"] >= 1
    granted = [(action, str(resource)) for statement in function["Policies"][0]["Statement"]
               for action in statement["Action"] for resource in statement["Resource"]]
    assert ("dynamodb:Scan", str({"Fn::GetAtt": ["FacesTable", "Arn"]})) in granted
    assert ("dynamodb:UpdateItem", str({"Fn::GetAtt": ["FacesTable", "Arn"]})) in granted
    assert ("dynamodb:UpdateItem", str({"Fn::GetAtt": ["GalleriesTable", "Arn"]})) in granted
    assert any(action == "s3:GetObject" and "/faces/*" in resource for action, resource in granted)
    assert any(action == "s3:PutObject" and "/gallery/*" in resource for action, resource in granted)


def _grants(function: dict[str, Any]) -> list[tuple[str, str]]:
    return [(action, str(resource)) for statement in function["Properties"]["Policies"][0]["Statement"]
            for action in statement["Action"] for resource in statement["Resource"]]


def test_the_monthly_evaluation_runs_every_day_at_07_30_vietnam_time_and_is_retried() -> None:
    template = load_template()
    function = resources_of_type("AWS::Serverless::Function")["EvaluationsFunction"]
    assert function["Properties"]["Handler"] == "scheduled.monthly_evaluation"
    [event] = function["Properties"]["Events"].values()
    assert event["Type"] == "ScheduleV2"
    assert event["Properties"]["ScheduleExpression"] == {"Ref": "MonthlyEvaluationSchedule"}
    assert template["Parameters"]["MonthlyEvaluationSchedule"]["Default"] == "cron(30 7 * * ? *)"
    assert event["Properties"]["ScheduleExpressionTimezone"] == "Asia/Ho_Chi_Minh"
    assert event["Properties"]["RetryPolicy"]["MaximumRetryAttempts"] >= 1
    # It reads and writes the evaluations (drafts computed where missing) and claims its reports
    granted = _grants(function)
    evaluations = str({"Fn::GetAtt": ["EvaluationsTable", "Arn"]})
    assert {("dynamodb:Query", evaluations), ("dynamodb:PutItem", evaluations),
            ("dynamodb:UpdateItem", evaluations)} <= set(granted)
    assert ("dynamodb:UpdateItem", str({"Fn::GetAtt": ["ReportsTable", "Arn"]})) in granted


def test_a_province_s_run_fans_out_per_unit_through_an_encrypted_queue_with_a_dead_letter_queue() -> None:
    template = load_template()
    parameter = template["Parameters"]["EvaluationFanout"]
    assert parameter["Default"] == Settings.model_fields["evaluation_fanout"].default == "inline"
    assert set(parameter["AllowedValues"]) == {"inline", "queue"}
    variables = template["Globals"]["Function"]["Environment"]["Variables"]
    assert variables["EVALUATION_FANOUT"] == {"Ref": "EvaluationFanout"}
    assert variables["EVALUATION_QUEUE_URL"] == {"Ref": "EvaluationQueue"}
    queues = resources_of_type("AWS::SQS::Queue")
    queue, dead = queues["EvaluationQueue"]["Properties"], queues["EvaluationDeadLetterQueue"]["Properties"]
    assert queue["SqsManagedSseEnabled"] is True and dead["SqsManagedSseEnabled"] is True
    assert queue["RedrivePolicy"]["deadLetterTargetArn"] == {"Fn::GetAtt": ["EvaluationDeadLetterQueue", "Arn"]}
    worker = resources_of_type("AWS::Serverless::Function")["EvaluationWorkerFunction"]["Properties"]
    assert worker["Handler"] == "scheduled.evaluation_worker"
    assert queue["VisibilityTimeout"] >= 6 * worker["Timeout"]
    [event] = worker["Events"].values()
    assert event["Type"] == "SQS"
    assert event["Properties"]["Queue"] == {"Fn::GetAtt": ["EvaluationQueue", "Arn"]}
    assert event["Properties"]["BatchSize"] == 1
    assert event["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    # Whoever starts a run may send to the queue
    functions = resources_of_type("AWS::Serverless::Function")
    for name in ("EvaluationsFunction", "ApiFunction"):
        assert ("sqs:SendMessage", str({"Fn::GetAtt": ["EvaluationQueue", "Arn"]})) in _grants(functions[name]), name


def test_evidence_bundles_are_signed_by_a_p256_kms_key_only_the_api_function_may_use() -> None:
    # GIVEN the template's evidence signing key
    template = load_template()
    key = template["Resources"]["EvidenceSigningKey"]
    # THEN it is an asymmetric P-256 signing key that outlives the stack (old bundles stay verifiable)
    assert key["Type"] == "AWS::KMS::Key"
    assert (key["Properties"]["KeySpec"], key["Properties"]["KeyUsage"]) == ("ECC_NIST_P256", "SIGN_VERIFY")
    assert key["DeletionPolicy"] == "Retain"
    # AND every function finds it under the setting's name
    variables = template["Globals"]["Function"]["Environment"]["Variables"]
    assert "evidence_signing_key_id" in Settings.model_fields and "deployment_name" in Settings.model_fields
    assert variables["EVIDENCE_SIGNING_KEY_ID"] == {"Ref": "EvidenceSigningKey"}
    assert variables["DEPLOYMENT_NAME"] == {"Ref": "AWS::StackName"}
    # AND only the API function (the bundle route, the public key route) may sign with it or read its public key
    arn = str({"Fn::GetAtt": ["EvidenceSigningKey", "Arn"]})
    for name, function in resources_of_type("AWS::Serverless::Function").items():
        granted = {action for action, resource in _grants(function) if resource == arn} if \
            function["Properties"].get("Policies") else set()
        assert granted == ({"kms:Sign", "kms:GetPublicKey"} if name == "ApiFunction" else set()), name
    # AND the bundle (.zip) is carried as bytes
    assert "application~1zip" in resources_of_type("AWS::Serverless::Api")["Api"]["Properties"]["BinaryMediaTypes"]
