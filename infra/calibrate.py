"""Propose and apply match thresholds on a deployed stack, from its tables and bucket.

python -m infra.calibrate propose [--fmr 0.001] [--unit UNIT | --device DEVICE] [--days 30] [--basis pair|passage]
python -m infra.calibrate apply --scope site|unit|device --id ID --threshold 0.55 --reason "..." --by NAME
python -m infra.calibrate list

It reads the same settings as the functions, from the environment: the table names (UNITS_TABLE, STAFF_TABLE,
DEVICES_TABLE, CAPTURES_TABLE, GALLERIES_TABLE, THRESHOLDS_TABLE, AUDIT_TABLE …), DATA_BUCKET, EMBEDDING_MODEL
and MATCH_THRESHOLD, and AWS credentials that may read them (and write the thresholds and audit tables). It acts
as a system admin; `apply` records --by as the actor in the audit trail.

Exit codes: 0 done, 2 bad arguments, 3 refused (out of range, unknown unit or device, changed meanwhile).
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import Any

from chamcong.schemas.common import ID_PATTERN, USERNAME_PATTERN

REFUSED = 3


def _fraction(low: float, high: float) -> Any:
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be from {low} to {high}")
        return value
    return parse


def _matching(pattern: str, what: str) -> Any:
    def parse(text: str) -> str:
        if not re.fullmatch(pattern, text):
            raise argparse.ArgumentTypeError(f"not a valid {what}: {text!r}")
        return text
    return parse


def _reason(text: str) -> str:
    from pydantic import TypeAdapter, ValidationError

    from chamcong.schemas.common import Text

    try:
        return str(TypeAdapter(Text).validate_python(text.strip()))
    except ValidationError:
        raise argparse.ArgumentTypeError("3 to 500 characters, no control characters") from None


def _days(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 30:
        raise argparse.ArgumentTypeError("a whole number of days, 1 to 30")
    return int(text)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m infra.calibrate", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    propose = commands.add_parser("propose", help="propose a threshold for a false-match rate")
    propose.add_argument("--fmr", type=_fraction(0.000001, 0.1), default=0.001, help="target false-match rate (0.001)")
    where = propose.add_mutually_exclusive_group()
    where.add_argument("--unit", type=_matching(ID_PATTERN, "unit id"), help="a unit and its subtree")
    where.add_argument("--device", type=_matching(ID_PATTERN, "device id"), help="a device")
    propose.add_argument("--days", type=_days, default=30, help="recent captures of how many days (1-30)")
    propose.add_argument("--basis", choices=("passage", "pair"), default="passage",
                         help="the rate per stranger passage (default), or per pair of faces (lower thresholds)")
    apply = commands.add_parser("apply", help="set a scope's threshold (audited, the previous one kept)")
    apply.add_argument("--scope", required=True, choices=("site", "unit", "device"))
    apply.add_argument("--id", required=True, type=_matching(ID_PATTERN, "id"), help='"site", a unit or device id')
    apply.add_argument("--threshold", required=True, type=_fraction(0.0, 1.0),
                       help="0.20-0.95 (checked by the service, like the route)")
    apply.add_argument("--reason", required=True, type=_reason)
    apply.add_argument("--fmr", type=_fraction(0.000001, 0.1), default=None, help="the rate it was chosen for")
    apply.add_argument("--by", required=True, type=_matching(USERNAME_PATTERN, "name"),
                       help="who applies it (recorded in the audit trail)")
    commands.add_parser("list", help="the thresholds set, with their previous values")
    return parser


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.3f} %"


def _print_proposal(proposal: dict[str, Any]) -> None:
    proposed, now, samples = proposal["proposed"], proposal["in_force"], proposal["samples"]
    print(f"Phạm vi / scope: {proposal['scope']} {proposal['scope_id']}   mô hình / model: {proposal['model_id']}"
          f"   FMR mục tiêu / target: {_percent(proposal['target_fmr'])} per {proposal['basis']}")
    print(f"Ngưỡng đề xuất / proposed threshold: {proposed['threshold']:.3f}   (hiện hành / in force "
          f"{now['threshold']:.3f}, mặc định mô hình / model default {proposal['model_default']:.3f})")
    print(f"{'':38}{'đề xuất/proposed':>18}{'hiện hành/in force':>20}")
    for label, key in (("threshold", "threshold"), ("expected FMR (pairs)", "expected_fmr"),
                       ("FMR 95% upper bound", "fmr_upper_95"), ("strangers matched (faces)", "stranger_rate"),
                       ("accept rate (all genuine)", "accept_rate"), ("  gallery same-person pairs",
                                                                      "gallery_accept_rate"),
                       ("  recent matched captures", "capture_accept_rate")):
        if key == "threshold":
            print(f"{label:38}{proposed[key]:>18.3f}{now[key]:>20.3f}")
        else:
            print(f"{label:38}{_percent(proposed[key]):>18}{_percent(now[key]):>20}")
    print(f"samples: {samples['people']} people, {samples['faces']} faces, {samples['impostor_pairs']} impostor "
          f"pairs (max {samples['impostor_max']}), {samples['genuine_pairs']} genuine pairs, "
          f"{samples['captures']} captures in {samples['capture_days']} days")
    for warning in proposal["warnings"]:
        print(f"! {warning['code']}: {warning['vi']}\n  {warning['en']}")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)

    from chamcong.access import Access, Grant, Principal
    from chamcong.container import Container
    from chamcong.errors import DomainError
    from chamcong.messages import message_for
    from chamcong.services import calibration
    from chamcong.services.audit import Source
    from chamcong.services.units import load_tree
    from chamcong.settings import Settings

    container = Container(Settings())
    try:
        if args.command == "propose":
            _print_proposal(calibration.propose(container, Access.system(), args.fmr, args.unit, args.device,
                                                args.days, args.basis))
        elif args.command == "apply":
            operator = Access(Principal(args.by, (Grant("system_admin", None),)), load_tree)
            applied = calibration.apply(container, operator, args.scope, args.id, args.threshold, args.reason,
                                        args.fmr, Source(user_agent="infra.calibrate"))
            previous = applied["previous"]["threshold"] if applied["previous"] else None
            print(f"{args.scope} {args.id}: {previous} -> {applied['threshold']} (model {applied['model_id']}); "
                  f"in force there: {applied['in_force']}")
        else:
            listed = calibration.list_thresholds(container, Access.system())
            print(f"model {listed['model_id']}, default {listed['model_default']}")
            for item in listed["thresholds"]:
                previous = item["previous"]["threshold"] if item["previous"] else None
                print(f"{item['scope']:7} {item['scope_id']:32} {item['threshold']}  (previous {previous}; "
                      f"{'applies' if item['applies'] else 'ignored: another model'}; {item['set_by']} "
                      f"{item['set_at']})")
    except DomainError as refused:
        print(f"{refused.code}: {message_for(refused.code)} / {message_for(refused.code, 'en')}", file=sys.stderr)
        return REFUSED
    return 0


if __name__ == "__main__":
    sys.exit(main())
