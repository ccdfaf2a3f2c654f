"""Configuration read once from the environment into a typed model."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Everything a function needs to know about its deployment.

    In AWS the template sets these variables; the local stack sets them for moto.
    """

    model_config = SettingsConfigDict(env_prefix="", case_sensitive=False, extra="ignore")

    aws_region: str = Field(default="ap-southeast-1", alias="AWS_REGION")
    # Only set for the local stack and tests (moto server); None means the real AWS endpoints.
    aws_endpoint_url: str | None = Field(default=None, alias="AWS_ENDPOINT_URL")

    units_table: str = "chamcong-units"
    staff_table: str = "chamcong-staff"
    faces_table: str = "chamcong-faces"
    devices_table: str = "chamcong-devices"
    events_table: str = "chamcong-events"
    captures_table: str = "chamcong-captures"
    spoofs_table: str = "chamcong-spoofs"
    accounts_table: str = "chamcong-accounts"
    sessions_table: str = "chamcong-sessions"
    galleries_table: str = "chamcong-galleries"
    reports_table: str = "chamcong-reports"
    calendars_table: str = "chamcong-calendars"
    absences_table: str = "chamcong-absences"
    corrections_table: str = "chamcong-corrections"
    audit_table: str = "chamcong-audit"
    thresholds_table: str = "chamcong-thresholds"
    tasks_table: str = "chamcong-tasks"
    rosters_table: str = "chamcong-rosters"
    evaluations_table: str = "chamcong-evaluations"
    privacy_table: str = "chamcong-privacy"

    data_bucket: str = "chamcong-data"
    # The KMS key that wraps the data keys of sealed secrets (device secrets): the template's DataKey (its ARN).
    # The local stack and tests leave it unset: provisioning creates a moto key under this alias.
    data_key_id: str = "alias/chamcong-data"

    # Daily reports: who sends them, who in Home Affairs receives the district summary (comma-separated),
    # and, on the local stack only, a folder where every e-mail sent is also written as an .eml file.
    sender_email: str = "chamcong@example.gov.vn"
    home_affairs_recipients: str = ""
    # The 17:00 work-from-home summary's recipients in the province (comma-separated).
    province_recipients: str = ""
    mail_copy_dir: str | None = None
    # The monthly evaluation run (services.monthly_reports): "inline" computes and reports every unit in one
    # invocation (a district); "queue" sends one message per unit to the evaluation queue, whose worker function
    # computes and reports its unit, and the last one done sends the summary (a province).
    evaluation_fanout: Literal["inline", "queue"] = "inline"
    evaluation_queue_url: str = ""
    # The officials' web site (https://…, no trailing slash): the e-mails link each exception to the person's day
    # there. "" = no links (the e-mail says where the evidence is, without one).
    site_url: str = ""
    # Where the API function finds it instead (an SSM parameter the stack writes): the distribution depends on the
    # API, so the API function cannot be given the distribution's address directly.
    site_url_parameter: str = ""

    # Face models: the deployment default is SFace; the local stack and tests use MobileFaceNet.
    detector_model: str = "yunet_2023mar"
    embedding_model: str = "sface_2021dec"
    # A site can calibrate its own threshold; None means the model manifest's default.
    match_threshold: float | None = None
    # Passive liveness model of the recognition function; "" or "off" switches liveness off.
    liveness_model: str = "minifasnetv2se_128"
    model_cache_dir: str = "/tmp/models"  # noqa: S108 - Lambda's only writable place

    site_timezone: str = "Asia/Ho_Chi_Minh"
    check_in_window: str = "05:30-08:00"
    check_out_window: str = "16:30-18:00"
    # The site's default working hours (a unit's own calendar will override them).
    work_start: str = "07:30"
    work_end: str = "17:00"
    late_grace_minutes: int = 0
    early_grace_minutes: int = 0

    # A route that answers outside its declared contract (response model, error codes): True turns it into a
    # 500 (tests, the local stack); False logs it and counts the ContractViolations metric (deployed).
    strict_contract: bool = False

    # The monthly evaluation: the rule set in force (its newest version effective in the month evaluated).
    evaluation_ruleset: str = "nd335-2025"

    max_body_bytes: int = 2 * 1024 * 1024
    signature_tolerance_seconds: int = 300
    capture_max_future_seconds: int = 300
    capture_max_age_days: int = 7
    # Retention per class of data in days (chamcong/privacy/classes.py lists every class; template parameters
    # of the same names set them). Captures judged a photo or a screen: record and frames (SpoofRetentionDays).
    spoof_retention_days: int = 60
    snapshot_retention_days: int = 180
    clip_retention_days: int = 90
    unmatched_retention_days: int = 14
    capture_retention_days: int = 30
    event_retention_days: int = 1826
    absence_retention_days: int = 1826
    roster_retention_days: int = 1826
    task_retention_days: int = 1826
    evaluation_retention_days: int = 3653
    report_retention_days: int = 1826
    audit_retention_days: int = 3653

    # The legal basis an enrolment records when its body names none (Decree 13/2023/NĐ-CP): "law" (Art. 17, the
    # office's duties of managing civil servants), "consent" (Art. 11: each enrolment then needs consent: true) or
    # "contract". Template parameter PrivacyLegalBasis.
    privacy_legal_basis: Literal["law", "consent", "contract"] = "law"
    # Who the data subject contacts (printed in the notice and the dossier): the office in charge of personal data.
    privacy_contact: str = "Văn phòng HĐND và UBND (bộ phận phụ trách bảo vệ dữ liệu cá nhân)"

    token_ttl_seconds: int = 8 * 3600
    # Accounts (document 001): a new or reset password must be changed within this many days, or the
    # account locks; repeated failed sign-ins block the account for a while.
    password_change_days: int = 5
    max_failed_logins: int = 5
    failed_login_block_minutes: int = 15
    presigned_url_seconds: int = 300
    # Evidence bundles (chamcong.evidence): their manifests are signed by the deployment's KMS key
    # (EvidenceSigningKey in template.yaml), or, where no key id is set (the local stack), by a P-256 key in a
    # PEM file (created there if missing). Neither set: no bundle can be signed (503 evidence_signing_unavailable).
    evidence_signing_key_id: str = ""
    evidence_local_key: str = ""
    # The deployment's name, written into every bundle's manifest (the stack's name when deployed).
    deployment_name: str = "chamcong"
    # How often a warm function asks whether the gallery (and the active model) moved (0 = on every recognition):
    # a face enrolled or removed in another warm function is matched or forgotten there within this time.
    gallery_check_seconds: float = 5.0
    # How long a warm function keeps a lobby device's record (0 = read on every recognition): a revocation or a
    # rotation made in another warm function reaches it within this time (in the same function, at once).
    device_check_seconds: float = 10.0
    # How often a warm function re-reads the thresholds set per site, unit or device (a change made in the same
    # function is seen at once).
    threshold_check_seconds: float = 30.0

    @field_validator("site_url")
    @classmethod
    def _site_url(cls, value: str) -> str:
        return clean_site_url(value)


def clean_site_url(value: str) -> str:
    """The site's address without its trailing slash; ValueError unless "" or http(s) without query or fragment."""
    value = value.strip().rstrip("/")
    if value:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc or "?" in value or "#" in value:
            raise ValueError("SITE_URL must be an http(s) address without query or fragment, or empty")
    return value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
