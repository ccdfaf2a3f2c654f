"""Create the first system admin of a deployed stack (the local stack does this by itself).

python -m infra.admin create --accounts-table TABLE [--region ap-southeast-1]

The password comes from BOOTSTRAP_ADMIN_PASSWORD, or a random one is printed once. It is temporary,
like every first password: it must be changed (POST /v1/auth/password) within --change-days days, or
the account locks. An existing `admin` account is left as it is.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.admin", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create", help="create the account `admin` if it does not exist")
    create.add_argument("--accounts-table", required=True, help="the stack's AccountsTable name")
    create.add_argument("--region", default=os.environ.get("AWS_REGION", "ap-southeast-1"))
    create.add_argument("--change-days", type=int, default=5, choices=range(1, 91), metavar="1..90",
                        help="days before the temporary password must be changed (default 5)")
    args = parser.parse_args(argv)
    password = os.environ.get("BOOTSTRAP_ADMIN_PASSWORD") or secrets.token_urlsafe(12)
    if len(password) < 12:
        parser.error("BOOTSTRAP_ADMIN_PASSWORD must have at least 12 characters")

    from datetime import UTC, datetime

    from chamcong.services.auth import ensure_bootstrap_admin
    from chamcong.settings import Settings
    from chamcong.store.models import bind_models

    bind_models(Settings(accounts_table=args.accounts_table, AWS_REGION=args.region))
    if not ensure_bootstrap_admin(password, must_change=True, now=datetime.now(UTC), change_days=args.change_days):
        print("The account `admin` already exists; nothing changed.")
        return 0
    if os.environ.get("BOOTSTRAP_ADMIN_PASSWORD"):
        print("Created the account `admin` with the password from BOOTSTRAP_ADMIN_PASSWORD.")
    else:
        print(f"Created the account `admin` with the password {password}  (shown once)")
    print(f"It is temporary: sign in and change it within {args.change_days} days, or the account locks.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
