"""What 1,000 recognitions cost on AWS, from the measured duration, the configured memory and published prices.

Printed by `python -m bench.recognition` with the durations and item sizes it measured; on its own,
`python -m bench.cost --compute-ms 25 --capture-wru 2` prints the same table for given figures.

The prices are data (PRICES): region, date, and where they were read. They are list prices without the free tier,
on-demand, x86_64 (template.yaml's Globals). Check them against the pages before quoting the result.
"""

from __future__ import annotations

import argparse
import math
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.tables import print_table

REPO = Path(__file__).resolve().parents[1]
GOAL_PER_THOUSAND = 0.02
REKOGNITION_PER_THOUSAND = 1.00  # SearchFacesByImage, first 1 M images a month (the comparison)


@dataclass(frozen=True)
class Prices:
    region: str
    as_of: str
    source: str
    api_gateway_rest_per_million: float  # REST API (AWS::Serverless::Api), first 333 M requests a month
    api_gateway_http_per_million: float  # HTTP API, first 300 M a month (what would replace it)
    lambda_gb_second: float  # x86_64
    lambda_per_million_requests: float
    dynamodb_per_million_wru: float  # on-demand write request units
    s3_put_per_thousand: float  # S3 Standard PUT, COPY, POST, LIST
    logs_ingest_per_gb: float  # CloudWatch Logs ingestion (standard)


PRICES = Prices(
    region="ap-southeast-1 (Singapore)", as_of="2025 list prices (after DynamoDB's on-demand price cut of Nov 2024)",
    source="aws.amazon.com/api-gateway/pricing, /lambda/pricing, /dynamodb/pricing/on-demand, /s3/pricing, "
           "/cloudwatch/pricing",
    api_gateway_rest_per_million=4.25, api_gateway_http_per_million=1.29,
    lambda_gb_second=0.0000166667, lambda_per_million_requests=0.20,
    dynamodb_per_million_wru=0.7125, s3_put_per_thousand=0.005, logs_ingest_per_gb=0.70,
)

# What a recognition waits for on AWS besides its own computing, from a Lambda in the same region (assumed, typical
# published figures: DynamoDB single-digit ms per write, S3 PUT of a small object tens of ms).
AWS_WAIT_MS = {"dynamodb_put": 5.0, "s3_put": 25.0}
LOG_BYTES_PER_RECOGNITION = 1200  # the request line, the recognition line and Lambda's START/END/REPORT lines


def recognition_memory_mb() -> int:
    from infra.template import load_template

    template = load_template(REPO / "template.yaml")
    memory = template["Resources"]["RecognitionFunction"]["Properties"].get("MemorySize")
    return int(memory if memory is not None else template["Globals"]["Function"]["MemorySize"])


def wru(item_bytes: float) -> int:
    """Write request units of a put of an item of this size (1 per KB started)."""
    return max(1, math.ceil(item_bytes / 1024))


@dataclass(frozen=True)
class Recognition:
    """One recognition as AWS bills it."""

    compute_ms: float  # the function's own work (every stage but the storage waits)
    recorded_share: float  # of recognitions that write an event and a snapshot (matched in a window)
    capture_wru: int
    event_wru: int  # the events table item; its by_unit index (all attributes projected) costs as much again


def costs(recognition: Recognition, memory_mb: int, prices: Prices = PRICES,
          rest_api: bool = True) -> dict[str, float]:
    """Dollars per 1,000 recognitions, by line."""
    share = recognition.recorded_share
    duration_ms = recognition.compute_ms + AWS_WAIT_MS["dynamodb_put"] * (1 + share) + AWS_WAIT_MS["s3_put"] * share
    billed_seconds = math.ceil(duration_ms) / 1000  # billed per ms
    writes = recognition.capture_wru + share * 2 * recognition.event_wru
    per_request = prices.api_gateway_rest_per_million if rest_api else prices.api_gateway_http_per_million
    return {
        "API Gateway " + ("REST" if rest_api else "HTTP") + " API": 1000 * per_request / 1e6,
        "Lambda requests": 1000 * prices.lambda_per_million_requests / 1e6,
        "Lambda duration": 1000 * billed_seconds * memory_mb / 1024 * prices.lambda_gb_second,
        "DynamoDB writes (capture, event + its index)": 1000 * writes * prices.dynamodb_per_million_wru / 1e6,
        "S3 PUT (snapshot)": share * prices.s3_put_per_thousand,
        "CloudWatch Logs": 1000 * LOG_BYTES_PER_RECOGNITION / 1e9 * prices.logs_ingest_per_gb,
        "_duration_ms": duration_ms,
    }


def print_cost(recognition: Recognition, memory_mb: int | None = None, note: str = "") -> None:
    memory = memory_mb if memory_mb is not None else recognition_memory_mb()
    rest = costs(recognition, memory)
    http = costs(recognition, memory, rest_api=False)
    duration = rest.pop("_duration_ms")
    http.pop("_duration_ms")
    rows: list[tuple[str, ...]] = [(line, f"${value:.5f}", f"{100 * value / sum(rest.values()):.0f} %")
                                   for line, value in rest.items()]
    total = sum(rest.values())
    rows.append(("total per 1,000 recognitions", f"${total:.4f}", "100 %"))
    rows.append(("Amazon Rekognition, 1,000 face searches", f"${REKOGNITION_PER_THOUSAND:.2f}",
                 f"{REKOGNITION_PER_THOUSAND / total:.0f}× ours"))
    print_table(f"AWS cost of 1,000 recognitions — {PRICES.region}, {PRICES.as_of}; {memory} MB, "
                f"≈{duration:.0f} ms billed each ({recognition.compute_ms:.0f} ms computing + the storage waits "
                f"assumed {AWS_WAIT_MS}); {100 * recognition.recorded_share:.0f} % recorded; capture "
                f"{recognition.capture_wru} WRU, event {recognition.event_wru} WRU (+ as much for its index)",
                ("line", "per 1,000", "share"), rows)
    verdict = "met" if total <= GOAL_PER_THOUSAND else "NOT met"
    print(f"Goal ≤ ${GOAL_PER_THOUSAND} per 1,000: ${total:.4f} — {verdict}. {note}".rstrip())
    print(f"What would halve it: the REST API is {100 * next(iter(rest.values())) / total:.0f} % of the bill; an HTTP "
          f"API (${PRICES.api_gateway_http_per_million}/M, no request validation or usage plans) makes it "
          f"${sum(http.values()):.4f}. The snapshot's S3 PUT is the next line: keeping it only for the check-ins an "
          "official may dispute, or batching a lobby's snapshots into one object per minute, would take most of it. "
          "Lambda's duration is small beside these: halving the memory would not halve the bill.")
    print(f"Prices from {PRICES.source}.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.cost", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--compute-ms", type=float, default=25.0, help="the function's own work per recognition")
    parser.add_argument("--recorded", type=float, default=0.9, help="share of recognitions that record an event")
    parser.add_argument("--capture-wru", type=int, default=2)
    parser.add_argument("--event-wru", type=int, default=1)
    parser.add_argument("--memory-mb", type=int, default=None, help="default: template.yaml's RecognitionFunction")
    args = parser.parse_args(argv)
    if args.compute_ms <= 0 or not 0 <= args.recorded <= 1 or min(args.capture_wru, args.event_wru) < 1:
        parser.error("--compute-ms positive, --recorded in 0…1, WRUs at least 1")
    print_cost(Recognition(args.compute_ms, args.recorded, args.capture_wru, args.event_wru), args.memory_mb)
    return 0


def item_bytes(item: Any) -> int:
    """DynamoDB's size of an item (attribute names + values, as its documentation counts them), from its
    DynamoDB-JSON form (a pynamodb model's `to_dynamodb_dict()`)."""

    def size(value: dict[str, Any]) -> int:
        (kind, inner), = value.items()
        if kind in ("S", "B"):
            return len(inner.encode() if isinstance(inner, str) else inner)
        if kind == "N":
            return len(str(inner).lstrip("-").replace(".", "")) // 2 + 1
        if kind in ("BOOL", "NULL"):
            return 1
        if kind == "L":
            return 3 + sum(1 + size(element) for element in inner)
        if kind == "M":
            return 3 + sum(len(name.encode()) + 1 + size(element) for name, element in inner.items())
        return len(str(inner))

    return sum(len(name.encode()) + size(value) for name, value in item.items())


if __name__ == "__main__":
    sys.exit(main())
