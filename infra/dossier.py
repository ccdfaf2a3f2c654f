"""The impact-assessment dossier (Decree 13/2023/NĐ-CP Art. 24) as a .docx, from this deployment's settings.

    python -m infra.dossier --out out/dossier.docx

Reads the same settings the functions read (environment variables: AWS_REGION, PRIVACY_LEGAL_BASIS, the
*_RETENTION_DAYS, SENDER_EMAIL, PRIVACY_CONTACT); no AWS call. The deployed API gives the same document at
GET /v1/privacy/dossier (stored once per configuration digest).
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from chamcong.privacy import dossier
from chamcong.settings import Settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=Path("out/dossier.docx"), help="where to write the .docx")
    args = parser.parse_args(argv)
    settings = Settings()
    data = dossier.build(settings, datetime.now(UTC))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(data)
    digest = dossier.digest(dossier.configuration(settings))
    print(f"Hồ sơ đánh giá tác động / impact-assessment dossier: {args.out} ({len(data) // 1024} KB, "
          f"configuration {digest[:16]})")
    for heading in dossier.HEADINGS_VI:
        print(f"  {heading}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
