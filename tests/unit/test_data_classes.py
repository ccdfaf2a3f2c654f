"""The one table of every class of data (`chamcong/privacy/classes.py`) covers everything the product keeps: every
table of template.yaml and every prefix of the data bucket the code writes under. A new table or prefix that is
not listed there fails here, so retention, erasure, a person's own data and the dossier never miss it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from chamcong.privacy.classes import DATA_CLASSES, Mechanism, by_key
from chamcong.settings import Settings
from infra.template import resources_of_type

REPO = Path(__file__).resolve().parents[2]
# Where bucket keys are built: the store's models and gallery, the services, the privacy and evidence code, the
# model files; the rest of the code writes no object.
KEY_BUILDERS = [REPO / "layers/domain/chamcong/store", REPO / "layers/domain/chamcong/services",
                REPO / "layers/domain/chamcong/privacy", REPO / "layers/domain/chamcong/evidence",
                REPO / "layers/domain/chamcong/reports", REPO / "layers/vision/face_engine/model_files.py",
                REPO / "infra/provision.py"]
# Strings shaped like "word/…" that are not bucket keys: media types, KMS aliases, format names such as the evidence
# bundle's "chamcong-evidence-bundle/1".
NOT_KEYS = {"application", "image", "text", "message", "font", "video", "audio", "multipart", "from",
            "chamcong-evidence-bundle", "alias", "photos"}  # photos/: inside the personal-data archive
PREFIX = re.compile(r"^([a-z][a-z_-]*)/")


def _written_prefixes() -> dict[str, set[str]]:
    """First segment of every string (or f-string's literal start) shaped like a key → the files it is in."""
    found: dict[str, set[str]] = {}
    files = [path for root in KEY_BUILDERS if root.exists()
             for path in ([root] if root.is_file() else sorted(root.rglob("*.py")))]
    for path in files:
        if path.name == "classes.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            text = None
            if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
                text = node.values[0].value
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value
            match = PREFIX.match(text) if isinstance(text, str) else None
            if match and match.group(1) not in NOT_KEYS:
                found.setdefault(f"{match.group(1)}/", set()).add(str(path.relative_to(REPO)))
    return found


def test_every_table_of_the_template_is_a_class_of_data() -> None:
    # GIVEN the tables of template.yaml ("EventsTable" → "events", the models' logical names)
    tables = {name.removesuffix("Table").lower() for name in resources_of_type("AWS::DynamoDB::Table")}
    listed = {table for data_class in DATA_CLASSES for table in data_class.tables}
    # THEN each is in a class, and no class names a table that does not exist
    assert tables - listed == set()
    assert listed - tables == set()


def test_every_prefix_the_code_writes_under_is_a_class_of_data() -> None:
    written = _written_prefixes()
    listed = {prefix for data_class in DATA_CLASSES for prefix in data_class.prefixes}
    # The key formats the store builds are found (the scan itself works) ...
    assert {"faces/", "gallery/", "snapshots/", "spoofs/", "reports/", "models/"} <= set(written), written
    # ... and every one of them is listed
    assert {prefix: files for prefix, files in written.items() if prefix not in listed} == {}


def test_each_class_is_complete_and_its_retention_is_a_setting_with_the_same_default() -> None:
    keys = [data_class.key for data_class in DATA_CLASSES]
    assert len(keys) == len(set(keys))
    for data_class in DATA_CLASSES:
        assert by_key(data_class.key) is data_class
        assert data_class.name_vi and data_class.purpose_vi and data_class.kept_vi, data_class.key
        assert data_class.tables or data_class.prefixes, data_class.key
        if data_class.mechanism in (Mechanism.LIFECYCLE, Mechanism.PURGE):
            # an age-based class says how old, in a setting of the same default, and has a floor
            assert data_class.setting is not None and data_class.parameter is not None, data_class.key
            assert Settings.model_fields[data_class.setting].default == data_class.default_days, data_class.key
            assert data_class.minimum_days is not None and data_class.minimum_days <= data_class.default_days
        if data_class.mechanism == Mechanism.LIFECYCLE:
            assert data_class.prefixes, data_class.key
        if data_class.sensitive:  # biometric data is erased with the person or expires
            assert data_class.mechanism in (Mechanism.ERASURE, Mechanism.LIFECYCLE), data_class.key


def test_the_purge_covers_every_class_kept_in_a_table_by_age() -> None:
    from chamcong.privacy.purge import TARGETS, TTL_ONLY

    purged = {target.class_key for target in TARGETS}
    for data_class in DATA_CLASSES:
        if data_class.mechanism == Mechanism.PURGE or (data_class.mechanism == Mechanism.TTL and data_class.tables):
            assert data_class.key in purged | TTL_ONLY, data_class.key
    # what expires by its TTL alone has a retention that says when
    assert all(by_key(key).mechanism == Mechanism.TTL and by_key(key).setting for key in TTL_ONLY)
