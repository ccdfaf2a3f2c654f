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
    digest = dossier.digest(dossier.configuration(container.settings))
    key = key_of(digest)
    try:
        data = container.blobs.get(key)
    except ClientError:
        data = dossier.build(container.settings, container.clock())
        container.blobs.put(key, data, DOCX)
    return FileResult(data, DOCX, f"ho-so-danh-gia-tac-dong-{digest[:12]}.docx")
