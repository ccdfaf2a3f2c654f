"""The demo's erasure (issue 16 §2): one enrolled person removed through the API, what was erased (the counts of the
audit entry), and a scan of every table and every object of the bucket that finds nothing of them left — their
photo's bytes, their embeddings (raw, base64, or a gallery row at float tolerance), their id outside work records.
"""

from __future__ import annotations

from typing import Any

import boto3

from chamcong.settings import Settings
from chamcong.store.models.audit import AuditModel
from infra.privacy_scan import scan, summary, traces_of


def _clients(settings: Settings) -> tuple[Any, Any]:
    kwargs = {"region_name": settings.aws_region, "endpoint_url": settings.aws_endpoint_url}
    return boto3.client("dynamodb", **kwargs), boto3.client("s3", **kwargs)


def erase_demo(api: Any, staff_id: str, full_name: str, settings: Settings | None = None) -> tuple[str, int]:
    """Remove the person (DELETE /v1/staff/{staff_id}) and scan; the text to print and the number of traces left."""
    settings = settings or Settings()
    dynamodb, s3 = _clients(settings)
    traces = traces_of(dynamodb, s3, settings.data_bucket, settings.faces_table, staff_id)
    before = summary(scan(dynamodb, s3, settings.data_bucket, traces))
    api.call("DELETE", f"/v1/staff/{staff_id}", 204)
    entries = [entry for entry in AuditModel.scan(AuditModel.action == "staff.remove", consistent_read=True)
               if entry.subject == staff_id]
    erased = entries[0].details.get("erased", {}) if entries else {}
    after = summary(scan(dynamodb, s3, settings.data_bucket, traces))
    counts = ", ".join(f"{key} {value}" for key, value in sorted(erased.items()) if value)
    lines = [
        f"\nXoá dữ liệu / erasure: {full_name} ({len(traces.photos)} ảnh / photos, "
        f"{len(traces.embeddings)} véc-tơ / embeddings)",
        f"  đã xoá / erased: {counts}",
        f"  trước khi xoá / before: {before['left']} dấu vết / traces found",
        f"  quét / scanned: {after['tables']} bảng / tables, {after['items']} bản ghi / items, "
        f"{after['objects']} tệp / objects ({after['gallery_objects']} gallery, {after['gallery_rows']} rows)",
        f"  còn lại / left: {after['left']}",
    ]
    lines += [f"    {finding}" for finding in after["findings"]]
    return "\n".join(lines), int(after["left"])
