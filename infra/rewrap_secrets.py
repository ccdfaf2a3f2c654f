"""Move the sealed device secrets to another KMS key (KMS ReEncrypt of each data key; no secret is decrypted here).

python -m infra.rewrap_secrets --to-key <key ARN or alias>

When: the deployment's key must be replaced (not for the yearly rotation: KMS rotates DataKey's material itself
and keeps the old material, so nothing needs re-wrapping). Steps (README, "Keys and secrets"): create the new key
with the same key policy; run this with an identity allowed kms:ReEncryptFrom on the old key and kms:ReEncryptTo
on the new; point DATA_KEY_ID (the functions' environment) at the new key so that new secrets are sealed under it;
then disable the old key (keep it, disabled, until you are sure: a disabled key can be enabled again). Running it
again does nothing. Audited (`device.secrets_rewrapped`, the key and the counts).
"""

from __future__ import annotations

import argparse
import getpass
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.rewrap_secrets", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--to-key", required=True, help="the new KMS key (ARN, key id or alias/…)")
    args = parser.parse_args(argv)

    from chamcong.container import Container
    from chamcong.services.devices import rewrap_secrets
    from chamcong.settings import Settings

    container = Container(Settings())
    to_key = str(container.kms.describe_key(KeyId=args.to_key)["KeyMetadata"]["Arn"])
    counts = rewrap_secrets(container, f"operator:{getpass.getuser()}", to_key)
    print(f"Khoá mới / new key: {to_key}")
    print(f"Thiết bị / devices: {counts['devices']}, bọc lại / rewrapped: {counts['rewrapped']}, "
          f"niêm phong / sealed: {counts['sealed']}, không đổi / unchanged: {counts['unchanged']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
