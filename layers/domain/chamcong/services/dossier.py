"""The impact-assessment dossier as a download: built once per configuration (its digest names the stored copy,
`privacy/dossier/{digest}.docx`), so a change of retention, legal basis, region or roles gives a new document."""

from __future__ import annotations

from botocore.exceptions import ClientError

from chamcong.access import Access
from chamcong.container import Container
from chamcong.privacy import dossier
from chamcong.schemas.common import FileResult

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PREFIX = "privacy/dossier/"


def key_of(digest: str) -> str:
    return f"{PREFIX}{digest}.docx"


def download(container: Container, access: Access) -> FileResult:
    """Home Affairs (oversight) and system admins: the dossier is about the whole deployment."""
    access.acknowledge()  # the router checked dossier:read; the document holds no one's personal data
    digest, data, _ = current(container)
    return FileResult(data, DOCX, f"ho-so-danh-gia-tac-dong-{digest[:12]}.docx")


def current(container: Container) -> tuple[str, bytes, bool]:
    """The dossier of the configuration in force: (its digest, the document, whether it was built just now)."""
    digest = dossier.digest(dossier.configuration(container.settings))
    key = key_of(digest)
    try:
        return digest, container.blobs.get(key), False
    except ClientError:
        data = dossier.build(container.settings, container.clock())
        container.blobs.put(key, data, DOCX)
        return digest, data, True


def regenerate_if_changed(container: Container) -> str | None:
    """The daily maintenance run: a configuration changed since the last dossier (a deploy with another retention,
    legal basis, region...) gets its new dossier at once, with an audit entry; the digest when one was built."""
    from chamcong.services import audit

    digest, _, built = current(container)
    if not built:
        return None
    audit.record_only(audit.entry(container.clock(), "system", "privacy.dossier", details={"digest": digest}))
    return digest
