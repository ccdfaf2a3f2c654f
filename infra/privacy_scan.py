"""Look everywhere for what an erasure should have left nothing of (issue 16 §2): every item of every table, every
object of the data bucket.

Traces of a person (or of one photo): the photos' bytes as stored, the embeddings' bytes (little-endian float32, raw
and base64, of every model), the face ids, and the staff id. A table item or an object is searched as bytes and as
text; a gallery object (`.npz`) is also opened and each row compared with the embeddings at float tolerance (a
gallery written with another layout would still be caught). The staff id may remain only in the tables of work
records and the archived reports (`WORK_RECORD_TABLES`, `WORK_RECORD_PREFIXES`).

Used by `tests/integration/test_erasure.py` and the demo (`infra/demo/privacy.py`).
"""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

# Tables whose items may keep the staff id (and name) as a work record, without any biometric data.
WORK_RECORD_TABLES = frozenset({"events", "evaluations", "tasks", "absences", "corrections", "audit", "reports",
                                "rosters", "staff", "privacy"})  # privacy: the notices given, the requests answered
WORK_RECORD_PREFIXES = ("reports/",)
SIMILAR = 0.999  # cosine: the same vector, give or take a rounding


@dataclass
class Traces:
    staff_id: str
    photos: list[bytes] = field(default_factory=list)
    embeddings: list[np.ndarray] = field(default_factory=list)  # float32, any model's
    face_ids: list[str] = field(default_factory=list)
    id_allowed: bool = True  # False for one photo: nothing to check about the id (the person stays)

    def needles(self) -> list[tuple[str, bytes]]:
        found: list[tuple[str, bytes]] = []
        for photo in self.photos:
            found.append(("photo bytes", photo))
            found.append(("photo base64", base64.b64encode(photo)))
        for vector in self.embeddings:
            raw = np.asarray(vector, dtype="<f4").tobytes()
            found.append(("embedding bytes", raw))
            found.append(("embedding base64", base64.b64encode(raw)))
        return found

    def ids(self) -> list[tuple[str, bytes]]:
        """Identifiers: they may stay in work records (an audit entry says which photo was removed)."""
        found = [("staff id", self.staff_id.encode())] if self.id_allowed else []
        return found + [("face id", face_id.encode()) for face_id in self.face_ids]


@dataclass
class Finding:
    where: str  # "table:<name>" or "s3:<key>"
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


@dataclass
class ScanResult:
    tables: int = 0
    items: int = 0
    objects: int = 0
    galleries: int = 0
    gallery_rows: int = 0
    findings: list[Finding] = field(default_factory=list)


def traces_of(dynamodb: Any, s3: Any, bucket: str, faces_table: str, staff_id: str,
              face_ids: Iterable[str] | None = None) -> Traces:
    """What a person's (or some of their photos') erasure must leave nothing of, read before it."""
    wanted = set(face_ids) if face_ids is not None else None
    traces = Traces(staff_id, id_allowed=wanted is None)
    pages = dynamodb.get_paginator("query").paginate(
        TableName=faces_table, KeyConditionExpression="staff_id = :s",
        ExpressionAttributeValues={":s": {"S": staff_id}}, ConsistentRead=True)
    for page in pages:
        for item in page["Items"]:
            face_id = item["face_id"]["S"]
            if wanted is not None and face_id not in wanted:
                continue
            traces.face_ids.append(face_id)
            traces.photos.append(s3.get_object(Bucket=bucket, Key=item["photo_key"]["S"])["Body"].read())
            traces.embeddings.append(np.frombuffer(item["embedding"]["B"], dtype="<f4"))
            for encoded in item.get("embeddings", {}).get("M", {}).values():
                traces.embeddings.append(np.frombuffer(base64.b64decode(encoded["S"]), dtype="<f4"))
    return traces


def _flatten(value: Any) -> Iterable[bytes]:
    """Every scalar of a DynamoDB item (low-level form) as bytes: strings UTF-8, binaries as they are."""
    if isinstance(value, dict):
        for kind, inner in value.items():
            if kind == "B":
                yield bytes(inner)
            elif kind == "BS":
                yield from (bytes(one) for one in inner)
            elif kind in ("S", "N"):
                yield str(inner).encode()
            elif kind in ("SS", "NS"):
                yield from (str(one).encode() for one in inner)
            else:
                yield from _flatten(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _flatten(inner)
    elif isinstance(value, (bytes, bytearray)):
        yield bytes(value)
    elif value is not None and not isinstance(value, bool):
        yield str(value).encode()


def logical_table(name: str) -> str:
    """chamcong-events → events (the stack's prefix, whatever it is)."""
    return name.rsplit("-", 1)[-1]


def scan(dynamodb: Any, s3: Any, bucket: str, traces: Traces, table_names: Iterable[str] | None = None) -> ScanResult:
    result = ScanResult()
    needles = traces.needles()
    ids = traces.ids()
    tables = list(table_names) if table_names is not None else [
        name for page in dynamodb.get_paginator("list_tables").paginate() for name in page["TableNames"]]
    for table in tables:
        result.tables += 1
        for page in dynamodb.get_paginator("scan").paginate(TableName=table, ConsistentRead=True):
            for item in page["Items"]:
                result.items += 1
                blob = b"\x00".join(_flatten(item))
                for what, needle in needles:
                    if needle in blob:
                        result.findings.append(Finding(f"table:{table}", what))
                for what, needle in ids:
                    if needle in blob and not _id_may_stay(table, item):
                        result.findings.append(Finding(f"table:{table}", what))
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for entry in page.get("Contents", []):
            key = entry["Key"]
            result.objects += 1
            data = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
            for what, needle in needles:
                if needle in data:
                    result.findings.append(Finding(f"s3:{key}", what))
            for what, needle in ids:
                if (needle in key.encode() or needle in data) and not key.startswith(WORK_RECORD_PREFIXES):
                    result.findings.append(Finding(f"s3:{key}", what))
            if key.endswith(".npz"):
                result.galleries += 1
                result.findings.extend(_gallery_findings(key, data, traces, result))
    return result


def _id_may_stay(table: str, item: dict[str, Any]) -> bool:
    logical = logical_table(table)
    if logical not in WORK_RECORD_TABLES:
        return False
    if logical == "staff":  # only the tombstone (and the units' moves records) keep it
        key = item["staff_id"]["S"]
        return key.startswith(("#removed#", "#moves#"))
    return True


def _gallery_findings(key: str, data: bytes, traces: Traces, result: ScanResult) -> list[Finding]:
    found: list[Finding] = []
    try:
        archive = np.load(io.BytesIO(data), allow_pickle=False)
        staff_ids = [str(s) for s in archive["staff_ids"]]
        face_ids = [str(f) for f in archive["face_ids"]]
        dimension = int(archive["dimension"])
        matrix = np.asarray(archive["matrix"], dtype=np.float32).reshape(-1, dimension)
    except Exception as exc:
        return [Finding(f"s3:{key}", f"unreadable gallery object ({type(exc).__name__})")]
    result.gallery_rows += len(staff_ids)
    if traces.id_allowed and traces.staff_id in staff_ids:
        found.append(Finding(f"s3:{key}", "gallery row of the person"))
    if set(traces.face_ids) & set(face_ids):
        found.append(Finding(f"s3:{key}", "gallery row of the photo"))
    for vector in traces.embeddings:
        if vector.shape[0] != dimension or not len(matrix):
            continue
        unit = vector / (np.linalg.norm(vector) or 1.0)
        norms = np.linalg.norm(matrix, axis=1)
        norms[norms == 0] = 1.0
        if float(np.max((matrix / norms[:, None]) @ unit)) >= SIMILAR:
            found.append(Finding(f"s3:{key}", "embedding row (float tolerance)"))
    return found


def summary(result: ScanResult) -> dict[str, Any]:
    return {"tables": result.tables, "items": result.items, "objects": result.objects,
            "gallery_objects": result.galleries, "gallery_rows": result.gallery_rows,
            "left": len(result.findings), "findings": [str(finding) for finding in result.findings]}


def as_json(result: ScanResult) -> str:
    return json.dumps(summary(result), ensure_ascii=False)
