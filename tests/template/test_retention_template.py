"""Retention in template.yaml (issue 16 §1): one parameter per class of data, reaching the functions under the
settings' names; the bucket's prefixes expire by lifecycle rules; TTL attributes; the daily purge's schedule and
grants. The classes are read from `chamcong/privacy/classes.py`, so a class added there is checked here."""

from __future__ import annotations

import json

from chamcong.privacy.classes import DATA_CLASSES, Mechanism
from chamcong.privacy.purge import TARGETS
from chamcong.settings import Settings
from chamcong.store.models import MODELS
from infra.template import load_template, resources_of_type


def _table_resource(model: type) -> str:
    for logical, (registered, _) in MODELS.items():
        if registered.Meta.table_name == model.Meta.table_name:
            return f"{logical}Table"
    raise KeyError(model)


def test_every_class_with_a_retention_has_its_parameter_with_the_documented_default_and_minimum() -> None:
    template = load_template()
    parameters = template["Parameters"]
    variables = template["Globals"]["Function"]["Environment"]["Variables"]
    configurable = [c for c in DATA_CLASSES if c.parameter is not None]
    assert len(configurable) >= 12
    for data_class in configurable:
        assert data_class.setting is not None and data_class.parameter is not None
        parameter = parameters[data_class.parameter]
        assert parameter["Type"] == "Number", data_class.key
        assert parameter["Default"] == data_class.default_days == Settings.model_fields[data_class.setting].default
        assert parameter["MinValue"] == data_class.minimum_days, data_class.key
        # AND it reaches every function under the setting's name
        assert variables[data_class.setting.upper()] == {"Ref": data_class.parameter}, data_class.key


def test_every_prefix_expiring_by_lifecycle_and_the_reports_archive_have_a_rule_of_their_retention() -> None:
    bucket = resources_of_type("AWS::S3::Bucket")["DataBucket"]["Properties"]
    by_prefix = {rule["Prefix"]: rule for rule in bucket["LifecycleConfiguration"]["Rules"] if "Prefix" in rule}
    expected = {prefix: data_class.parameter for data_class in DATA_CLASSES
                if data_class.mechanism == Mechanism.LIFECYCLE for prefix in data_class.prefixes}
    expected["reports/"] = "ReportRetentionDays"
    assert set(expected) >= {"snapshots/", "clips/", "spoofs/", "unmatched/", "reports/"}
    for prefix, parameter in expected.items():
        assert by_prefix[prefix]["Status"] == "Enabled", prefix
        assert by_prefix[prefix]["ExpirationInDays"] == {"Ref": parameter}, prefix
    # AND nothing that is kept while a person is enrolled expires on its own
    assert not {"faces/", "gallery/", "models/"} & set(by_prefix)


def test_the_tables_of_ttl_classes_expire_by_their_ttl_attribute() -> None:
    tables = resources_of_type("AWS::DynamoDB::Table")
    for data_class in DATA_CLASSES:
        if data_class.mechanism == Mechanism.TTL:
            for table in data_class.tables:
                resource = f"{table.capitalize()}Table"
                assert tables[resource]["Properties"]["TimeToLiveSpecification"] == {
                    "AttributeName": "expires_at", "Enabled": True}, resource


def test_the_purge_runs_daily_at_02_30_vietnam_time_is_retried_and_may_delete_what_it_purges() -> None:
    function = resources_of_type("AWS::Serverless::Function")["MaintenanceFunction"]["Properties"]
    event = function["Events"]["PrivacyPurge"]
    assert event["Type"] == "ScheduleV2"
    assert event["Properties"]["ScheduleExpression"] == "cron(30 2 * * ? *)"
    assert event["Properties"]["ScheduleExpressionTimezone"] == "Asia/Ho_Chi_Minh"
    assert event["Properties"]["RetryPolicy"]["MaximumRetryAttempts"] >= 1
    assert json.loads(event["Properties"]["Input"]) == {"job": "privacy_purge"}
    granted = {(action, json.dumps(resource, sort_keys=True)) for statement in function["Policies"][0]["Statement"]
               for action in statement["Action"] for resource in statement["Resource"]}
    for target in TARGETS:
        arn = json.dumps({"Fn::GetAtt": [_table_resource(target.model), "Arn"]}, sort_keys=True)
        assert ("dynamodb:Scan", arn) in granted and ("dynamodb:BatchWriteItem", arn) in granted, target.class_key
    assert function["Timeout"] == 900
