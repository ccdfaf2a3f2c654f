"""`make bench`: how fast one recognition is, stage by stage, and how 1:N matching scales.

In-process, on this machine, with the real models and the photos in ../shared/faces-dev (or FACES_DIR):
people are enrolled from their first photo into a moto-backed product, then face crops of their other
photos (what a lobby device sends) go through the recognition service exactly as in production. It
prints tables; it is not a test.

python -m bench.recognition [--repeats N] [--sizes 1000,10000,100000]
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench.engine import median, time_gallery_match
from bench.tables import print_table

REPO = Path(__file__).resolve().parents[1]


def passage_crops(engine: Any, photo: Path, frames: int) -> list[bytes]:
    """The crops a device sends for one passage: the first as in single-crop mode, the others cut a little
    differently (the face moves a little over the pause)."""
    from tests.integration.photos import face_crop

    cuts = [(160, 1.6), (180, 1.5), (150, 1.7)][:frames]
    return [face_crop(engine, photo, side=side, margin=margin) for side, margin in cuts]


def bench_recognition(models_dir: Path, faces_dir: Path, repeats: int, frames: int = 1) -> dict[str, list[float]]:
    """Per-stage milliseconds of recognise() on device-like crops (`frames` per passage), against moto."""
    import boto3
    from moto import mock_aws

    from chamcong.access import Access, Grant, Principal
    from chamcong.container import Container, set_container
    from chamcong.errors import DomainError
    from chamcong.observability import Stopwatch
    from chamcong.schemas.devices import RecognitionRequest
    from chamcong.schemas.staff import CreateStaff
    from chamcong.schemas.units import CreateUnit
    from chamcong.services import enrolment, recognition, staff, units
    from chamcong.services.audit import Source
    from chamcong.settings import Settings
    from chamcong.store.models.devices import DeviceModel
    from infra.provision import provision

    os.environ.update({"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench",
                       "AWS_REGION": "ap-southeast-1", "EMBEDDING_MODEL": "mobilefacenet_128d",
                       "POWERTOOLS_LOG_LEVEL": "WARNING", "POWERTOOLS_METRICS_DISABLED": "true",
                       "MODEL_CACHE_DIR": tempfile.mkdtemp(prefix="bench-models-")})
    os.environ.pop("AWS_ENDPOINT_URL", None)
    stages: dict[str, list[float]] = {}
    with mock_aws():
        settings = Settings()
        provision(boto3.session.Session(), settings, models_dir)
        container = Container(settings)
        set_container(container)
        admin = Access(Principal("bench", (Grant("system_admin", None),)), units.load_tree)
        unit = units.create_unit(container, admin, CreateUnit(name="Bench"), Source())
        probes: list[list[bytes]] = []
        engine = container.engine()
        for person in sorted(p for p in faces_dir.iterdir() if p.is_dir()):
            photos = sorted(person.glob("*.jpg"))
            record = staff.create_staff(container, admin, CreateStaff(full_name=person.name, unit_id=unit["unit_id"]),
                                        Source())
            try:
                enrolment.enrol_face(container, admin, record["staff_id"],
                                     base64.b64encode(photos[0].read_bytes()).decode(), Source())
            except DomainError:  # a photo the enrolment refuses is simply not benchmarked
                continue
            probes.extend(passage_crops(engine, photo, frames) for photo in photos[1:])
        device = DeviceModel("dev_bench", name="bench", unit_id=unit["unit_id"], secret="x")  # noqa: S106
        device.save()
        # Captures at 07:30 on the latest morning that has passed, so every matched crop is recorded.
        now = container.clock().astimezone(container.site_windows.timezone)
        captured_at = now.replace(hour=7, minute=30, second=0, microsecond=0)
        if captured_at > now:
            captured_at -= timedelta(days=1)
        for round_number in range(repeats):
            for number, crops in enumerate(probes):
                sent = ({"image_b64": base64.b64encode(crops[0]).decode()} if len(crops) == 1 else
                        {"images_b64": [base64.b64encode(crop).decode() for crop in crops]})
                body = json.dumps({"capture_id": f"b{round_number}-{number}", "captured_at": captured_at.isoformat(),
                                   **sent}).encode()
                request = RecognitionRequest.model_validate_json(body)
                watch = Stopwatch()
                started = time.perf_counter()
                recognition.recognise(container, device, body, request, watch)
                total = (time.perf_counter() - started) * 1000
                for name, ms in watch.laps.items():
                    stages.setdefault(name, []).append(ms)
                stages.setdefault("total", []).append(total)
        set_container(None)
    return stages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.recognition", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3, help="passes over the probe crops")
    parser.add_argument("--sizes", default="1000,10000,100000", help="gallery sizes for 1:N matching")
    parser.add_argument("--models-dir", type=Path, default=Path(os.environ.get(
        "MODELS_DIR", REPO.parent / "shared" / "models")))
    parser.add_argument("--faces", type=Path, default=Path(os.environ.get(
        "FACES_DIR", REPO.parent / "shared" / "faces-dev")))
    args = parser.parse_args(argv)
    try:
        sizes = [int(size) for size in args.sizes.split(",")]
    except ValueError:
        parser.error("--sizes is a comma-separated list of whole numbers")
    if args.repeats < 1 or any(size < 1 for size in sizes):
        parser.error("--repeats and --sizes must be positive")
    for folder in (args.models_dir, args.faces):
        if not folder.is_dir():
            parser.error(f"{folder} does not exist")

    print(f"Recognition benchmark — {os.cpu_count()} CPU(s), models mobilefacenet_128d + yunet_2023mar")
    stages = bench_recognition(args.models_dir, args.faces, args.repeats)
    passages = bench_recognition(args.models_dir, args.faces, args.repeats, frames=3)
    order = ["decode", "detect", "align_embed", "liveness", "gallery", "match", "record", "total"]
    rows = [(name, f"{median(stages.get(name, [])):.1f}", f"{median(passages.get(name, [])):.1f}",
             f"{median(passages.get(name, [])) / median(stages.get(name, [])):.2f}×" if stages.get(name) else "",
             str(len(stages.get(name, [])))) for name in order]
    print_table("One recognition: one crop (≈160 px, as a device sends it) and a passage of 3 crops (server time)",
                 ("stage", "1 crop, median ms", "3 crops, median ms", "3 / 1", "samples"), rows)
    print("gallery = the version check (a GetItem); record = idempotency claim, snapshot to S3 and the event\n"
          "transaction. Both run against in-process moto here, which costs far more per call than DynamoDB/S3\n"
          "from a Lambda in the same region (single-digit ms each): read them as upper bounds.")
    total = median(stages["total"])
    print(f"\nFaces per second, one recognition at a time on one process: {1000 / total:.1f}")

    match_rows = []
    for size in sizes:
        timings = time_gallery_match(size, 128, repeats=30)
        match_rows.append((f"{size:,}", f"{median(timings):.2f}", f"{max(timings):.2f}"))
    print_table("1:N match, 128-d gallery of random unit vectors", ("gallery", "median ms", "max ms"), match_rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
