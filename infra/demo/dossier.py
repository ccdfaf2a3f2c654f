"""The demo's privacy documents: the notice an office prints at enrolment and the impact-assessment dossier, both
downloaded from the local stack's API (GET /v1/privacy/notices/{version}, GET /v1/privacy/dossier)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def privacy_documents(session: Any, base: str, out_dir: Path) -> str:
    """Writes out/notice-{version}.vi.md and out/dossier.docx; returns the lines of the demo's report."""
    from docx import Document

    notices = session.get(f"{base}/v1/privacy/notices", timeout=60).json()
    version = notices["current"]
    notice = session.get(f"{base}/v1/privacy/notices/{version}", params={"lang": "vi"}, timeout=60).json()
    (out_dir / f"notice-{version}.vi.md").write_text(notice["text"], encoding="utf-8")
    reply = session.get(f"{base}/v1/privacy/dossier", headers={"Accept": DOCX}, timeout=120)
    reply.raise_for_status()
    (out_dir / "dossier.docx").write_bytes(reply.content)
    headings = [p.text for p in Document(io.BytesIO(reply.content)).paragraphs
                if p.style is not None and str(p.style.name).startswith("Heading")]
    lines = [f"\nThông báo xử lý dữ liệu cá nhân / notice {version}: notice-{version}.vi.md "
             f"(cơ sở pháp lý / legal basis: {notices['legal_basis']})",
             f"Hồ sơ đánh giá tác động / impact-assessment dossier: dossier.docx ({len(reply.content) // 1024} KB)"]
    lines += [f"  {heading}" for heading in headings]
    return "\n".join(lines)
