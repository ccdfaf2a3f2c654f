"""`make bench`: galleries per site at a province's scale — building, loading, matching, and the memory they hold.

A province: 1,000 sites of 50 people each and one site of 5,000 (a provincial department's building), 55,000 people
in the deployment's gallery (one face each, random unit vectors of the shipped model's 128 dimensions: the figures
depend on sizes, not on faces). On the local stand-in (moto in process, so S3 and DynamoDB cost what moto costs, not
what AWS does):

- build: a site's gallery cut from the deployment's (`Gallery.for_people`), serialised and published (S3 put of
  the object, conditional PutItem of its pointer: `GalleryRepository.publish`), as a rebuild or the reconcile does;
- load: what a warm function does the first time it meets a site (pointer GetItem, S3 get, parse);
- 1:N match: one fused face against the site's gallery (`ranked_people`), beside the deployment's 55,000;
- memory: the site galleries a warm function keeps (`SITE_GALLERIES_KEPT` of them), measured with tracemalloc.

python -m bench.galleries [--sites 1000] [--people 50] [--big 5000] [--repeats 200]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence

import numpy as np

from bench.tables import print_table

DIMENSION = 128
MODEL_ID = "mobilefacenet_128d"


def _ms(samples: Sequence[float]) -> tuple[str, str]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return f"{1000 * statistics.median(ordered):.2f}", f"{1000 * p95:.2f}"


def _timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.galleries", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sites", type=int, default=1000)
    parser.add_argument("--people", type=int, default=50, help="people per site")
    parser.add_argument("--big", type=int, default=5000, help="people of the one large site")
    parser.add_argument("--repeats", type=int, default=200, help="matches timed per gallery")
    args = parser.parse_args(argv)
    if min(args.sites, args.people, args.big, args.repeats) < 1:
        parser.error("every count must be ≥ 1")

    os.environ.setdefault("AWS_REGION", "ap-southeast-1")
    from moto import mock_aws

    with mock_aws():
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    import boto3

    from chamcong.container import SITE_GALLERIES_KEPT, s3_client
    from chamcong.services.galleries import rows_digest
    from chamcong.settings import Settings
    from chamcong.store.blobs import BlobStore
    from chamcong.store.gallery import GalleryRepository
    from chamcong.store.models import bind_models
    from face_engine.fusion import fuse
    from face_engine.gallery import Gallery
    from infra.provision import create_bucket, create_tables

    settings = Settings()
    session = boto3.session.Session()
    create_tables(session.client("dynamodb", region_name=settings.aws_region), settings)
    create_bucket(session.client("s3", region_name=settings.aws_region), settings)
    bind_models(settings)
    blobs = BlobStore(s3_client(settings), settings.data_bucket)

    rng = np.random.default_rng(15)
    sites = [f"unit_site{index:04d}" for index in range(args.sites)]
    members: dict[str, dict[str, tuple[str, str]]] = {
        site: {f"stf_{site}_{n:05d}": (f"Cán bộ {n}", site) for n in range(args.people)} for site in sites}
    big = "unit_big"
    members[big] = {f"stf_{big}_{n:05d}": (f"Cán bộ {n}", big) for n in range(args.big)}
    staff_ids = [staff_id for people in members.values() for staff_id in people]
    started = time.perf_counter()
    deployment = Gallery.from_embeddings(MODEL_ID, staff_ids, [f"face_{s}" for s in staff_ids],
                                         rng.standard_normal((len(staff_ids), DIMENSION)).astype(np.float32))
    print(f"Galleries per site — {args.sites:,} sites × {args.people} people and one site of {args.big:,}; the "
          f"deployment's gallery holds {len(deployment):,} faces (built in {time.perf_counter() - started:.1f} s); "
          "moto in process stands in for S3 and DynamoDB")

    def repository(site: str) -> GalleryRepository:
        return GalleryRepository(blobs, MODEL_ID, DIMENSION, unit_id=site)

    def builder(site: str) -> Callable[[], tuple[Gallery, str]]:
        def build() -> tuple[Gallery, str]:
            gallery = deployment.for_people(members[site])
            return gallery, rows_digest(gallery)
        return build

    def publish(site: str) -> float:
        return _timed(lambda: repository(site).publish(builder(site)))

    def load(site: str) -> float:
        return _timed(lambda: repository(site).published())

    def cut_out(site: str) -> float:
        return _timed(lambda: deployment.for_people(members[site]))

    cut = [cut_out(site) for site in sites[:200]]
    built = [publish(site) for site in sites]
    big_built = publish(big)
    skipped = [publish(site) for site in sites[:200]]  # nothing changed: the digest is the pointer's
    loads = [load(site) for site in sites]
    big_load = [load(big) for _ in range(5)]
    object_kb = len(repository(sites[0]).latest().to_bytes()) / 1024
    big_kb = len(repository(big).latest().to_bytes()) / 1024

    probe = fuse([rng.standard_normal(DIMENSION).astype(np.float32) for _ in range(3)])
    small = repository(sites[0]).latest()
    large = repository(big).latest()

    def match(gallery: Gallery) -> list[float]:
        gallery.ranked_people(probe, top=1)  # the per-person index is built once per loaded gallery
        return [_timed(lambda: gallery.ranked_people(probe, top=1)) for _ in range(args.repeats)]

    rows = [
        ("cut from the deployment's gallery (for_people)", f"{args.people}", *_ms(cut)),
        ("build + publish (S3 put, conditional PutItem)", f"{args.people}", *_ms(built)),
        ("build + publish", f"{args.big:,}", *_ms([big_built])),
        ("rebuild skipped (same digest: one GetItem)", f"{args.people}", *_ms(skipped)),
        ("first load in a warm function (GetItem, S3 get, parse)", f"{args.people}", *_ms(loads)),
        ("first load", f"{args.big:,}", *_ms(big_load)),
        ("1:N match of one fused face", f"{args.people}", *_ms(match(small))),
        ("1:N match", f"{args.big:,}", *_ms(match(large))),
        ("1:N match against the deployment's whole gallery", f"{len(deployment):,}", *_ms(match(deployment))),
    ]
    print_table(f"Site galleries: milliseconds (median, p95); all {args.sites:,} sites built in "
                f"{sum(built):.1f} s (the reconcile's worst case, when every site changed); an object of "
                f"{args.people} faces is {object_kb:.0f} kB, of {args.big:,} is {big_kb:.0f} kB",
                ("step", "faces", "median ms", "p95 ms"), rows)

    kept = min(SITE_GALLERIES_KEPT, args.sites)
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    held = []
    for site in sites[:kept]:
        one = repository(site)
        one.published()
        held.append(one)
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    used = sum(stat.size_diff for stat in after.compare_to(before, "filename"))
    label = f"{kept}" + (" (SITE_GALLERIES_KEPT)" if kept == SITE_GALLERIES_KEPT else "")
    print_table("Memory a warm function holds for its site galleries (tracemalloc: matrices, ids, labels)",
                ("sites kept", "people each", "total MB", "per site kB"),
                [(label, f"{args.people}", f"{used / 2**20:.1f}",
                  f"{used / kept / 1024:.0f}")])
    del held
    return 0


if __name__ == "__main__":
    sys.exit(main())
