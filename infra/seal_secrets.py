"""Seal the lobby devices' secrets still stored plain (records written before secrets were sealed), once.

python -m infra.seal_secrets

Each plain secret is sealed under the deployment's key (DATA_KEY_ID: the stack's DataKey ARN) with envelope
encryption bound to its device, and the plain attribute removed in the same conditional update. Running it again
does nothing. The boxes keep their secrets: nothing changes for them. The stack is named by the same environment
variables the functions read (DEVICES_TABLE, AUDIT_TABLE, DATA_KEY_ID, AWS_REGION...). Audited
(`device.secrets_sealed`, counts only).
"""

from __future__ import annotations

import argparse
import getpass
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.seal_secrets", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.parse_args(argv)

    from chamcong.container import Container
    from chamcong.services.devices import seal_plain_secrets
    from chamcong.settings import Settings

    counts = seal_plain_secrets(Container(Settings()), f"operator:{getpass.getuser()}")
    print(f"Thiết bị / devices: {counts['devices']}, vừa niêm phong / sealed now: {counts['sealed']}, "
          f"đã niêm phong từ trước / already sealed: {counts['already_sealed']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
