"""Give the audit entries written before issue 16 their expiry (AUDIT_RETENTION_DAYS after each), once.

python -m infra.backfill_audit_expiry

Nothing is deleted and no entry's content changes: only `expires_at`, the attribute DynamoDB's TTL reads, is added
where it is missing. Running it again does nothing. The stack is named by the environment variables the functions
read (AUDIT_TABLE, AUDIT_RETENTION_DAYS, AWS_REGION...). Audited (`privacy.audit_expiry_backfill`, counts only).
"""

from __future__ import annotations

import argparse
import getpass
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.backfill_audit_expiry", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.parse_args(argv)

    from chamcong.container import Container
    from chamcong.privacy.audit_expiry import backfill
    from chamcong.settings import Settings

    counts = backfill(Container(Settings()), f"operator:{getpass.getuser()}")
    print(f"Mục nhật ký chưa có hạn / entries without an expiry: {counts['entries']}, "
          f"đã đặt hạn / expiry set: {counts['set']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
