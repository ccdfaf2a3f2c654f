"""The notice of processing (versioned as data) and the impact-assessment dossier: what they say comes from the
deployment's configuration, and the dossier's security measures are the ones template.yaml puts in force."""

from __future__ import annotations

import io
import unicodedata
from datetime import UTC, datetime
from importlib import resources

import pytest
from docx import Document

from chamcong.privacy import dossier, notices
from chamcong.privacy.classes import DATA_CLASSES
from chamcong.settings import Settings
from infra.template import load_template, resources_of_type

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def test_every_notice_version_exists_in_both_languages_and_is_written_in_nfc() -> None:
    folder = resources.files("chamcong.data") / "notices"
    names = {entry.name for entry in folder.iterdir() if entry.name.endswith(".md")}
    assert names == {f"{version}.{lang}.md" for version in notices.versions() for lang in ("vi", "en")}
    for name in names:
        text = (folder / name).read_text(encoding="utf-8")
        assert unicodedata.normalize("NFC", text) == text, name


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_notice_states_the_purposes_rights_contact_and_the_retention_in_force(lang: str) -> None:
    settings = Settings(privacy_contact="Văn phòng UBND huyện Đà Bắc, 0218 3827 123", snapshot_retention_days=365)
    text = notices.render("2026-01", lang, settings)
    assert "{" not in text  # every placeholder filled
    assert "Văn phòng UBND huyện Đà Bắc, 0218 3827 123" in text and settings.aws_region in text
    assert ("365 ngày" if lang == "vi" else "365 days") in text  # the configured value, not the default
    for data_class in DATA_CLASSES:
        if data_class.personal:
            assert (data_class.name_vi if lang == "vi" else data_class.name_en) in text


def test_the_legal_basis_of_the_deployment_is_the_one_the_notice_states() -> None:
    assert "Điều 11" in notices.render("2026-01", "vi", Settings(privacy_legal_basis="consent"))
    assert "Điều 17" in notices.render("2026-01", "vi", Settings(privacy_legal_basis="law"))


def _table_measures() -> dict[str, bool]:
    """Each measure the dossier claims, checked in template.yaml."""
    template = load_template()
    tables = resources_of_type("AWS::DynamoDB::Table")
    bucket = template["Resources"]["DataBucket"]["Properties"]
    policy = template["Resources"]["DataBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    functions = resources_of_type("AWS::Serverless::Function")
    audit_actions = {action for function in functions.values()
                     for policy_doc in function["Properties"].get("Policies", []) if isinstance(policy_doc, dict)
                     for statement in policy_doc.get("Statement", [])
                     if {"Fn::GetAtt": ["AuditTable", "Arn"]} in statement.get("Resource", [])
                     for action in statement["Action"]}
    return {
        "s3_encryption": bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
        ["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms",
        "dynamodb_encryption": all(t["Properties"]["SSESpecification"]["SSEEnabled"] is True
                                   and t["Properties"]["PointInTimeRecoverySpecification"]
                                   ["PointInTimeRecoveryEnabled"] is True for t in tables.values()),
        "tls_only": any(s["Effect"] == "Deny" and s["Condition"]["Bool"]["aws:SecureTransport"] == "false"
                        for s in policy),
        "no_public_access": all(bucket["PublicAccessBlockConfiguration"].values()),
        "least_privilege": all("Policies" in f["Properties"] for f in functions.values()),
        "roles": True,  # access.ROLES, read by the dossier itself
        "audit": bool(audit_actions) and not audit_actions & {"dynamodb:UpdateItem", "dynamodb:DeleteItem"},
        "retention": bool(bucket["LifecycleConfiguration"]["Rules"]),
        "accounts": True,  # the code's (argon2, the password policy), tested in tests/unit
        "devices": True,  # the code's (device signatures), tested in tests/unit
    }


def test_the_security_measures_the_dossier_states_are_in_force_in_the_template() -> None:
    checked = _table_measures()
    assert {measure.key for measure in dossier.SECURITY_MEASURES} == set(checked)
    assert all(checked.values()), {key for key, ok in checked.items() if not ok}


def test_the_dossier_is_a_vietnamese_docx_of_the_configuration() -> None:
    settings = Settings(aws_region="ap-southeast-1", privacy_legal_basis="consent")
    document = Document(io.BytesIO(dossier.build(settings, NOW)))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings == list(dossier.HEADINGS_VI)
    text = "\n".join(p.text for p in document.paragraphs)
    assert "ap-southeast-1" in text and "Sự đồng ý của chủ thể dữ liệu (Điều 11)" in text
    assert dossier.digest(dossier.configuration(settings)) in text
    cells = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    assert ["Ảnh chụp khi nhận diện (bằng chứng giờ đến, giờ về)", "180 ngày",
            "Quy tắc vòng đời S3 tự xoá theo tuổi"] in cells


@pytest.mark.parametrize("change", [{"snapshot_retention_days": 200}, {"aws_region": "ap-southeast-2"},
                                    {"privacy_legal_basis": "consent"}, {"sender_email": "cc@danbac.gov.vn"}])
def test_the_dossier_s_digest_changes_with_each_value_it_states(change: dict[str, object]) -> None:
    before = dossier.digest(dossier.configuration(Settings()))
    assert dossier.digest(dossier.configuration(Settings(**change))) != before  # type: ignore[arg-type]
    assert dossier.digest(dossier.configuration(Settings())) == before
