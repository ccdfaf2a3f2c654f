"""`make publish-web`: upload the officials' web site (web/) to the site bucket behind CloudFront.

python -m infra.publish_web --bucket NAME [--distribution ID] [--web-dir DIR]

Uploads exactly the files the local stack serves (infra/site.py: `site_files`, vendor/ included, never
node_modules or package*.json) with their content types; HTML is revalidated on every load (`no-cache`) so a
new release is seen at once, the rest is cached five minutes. Objects no longer in web/ are deleted, after the
upload, so a page never links to a file that is gone. With --distribution, CloudFront's copies are invalidated.
The bucket and distribution are the stack's SiteBucketName output and its distribution's id.
"""

from __future__ import annotations

import argparse
import re
import sys
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from infra.site import WEB_DIR, content_type, site_files

HTML_CACHE = "no-cache"
ASSET_CACHE = "max-age=300"
# S3's rules for a bucket name (no dots: CloudFront's OAC origin is the bucket's regional host name).
BUCKET_NAME = re.compile(r"^(?!xn--)(?!sthree-)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")
DISTRIBUTION_ID = re.compile(r"^[A-Z0-9]{1,64}$")


@dataclass
class Published:
    uploaded: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    invalidation_id: str | None = None


def cache_control(key: str) -> str:
    return HTML_CACHE if key.lower().endswith(".html") else ASSET_CACHE


def publish(s3: Any, bucket: str, web_dir: Path = WEB_DIR, cloudfront: Any = None,
            distribution: str | None = None) -> Published:
    files = site_files(web_dir)
    if "index.html" not in files:
        raise ValueError(f"{web_dir} has no index.html: nothing that looks like the site to publish")
    published = Published()
    for key, path in files.items():
        kind = content_type(path)
        assert kind is not None  # site_files lists only files the site serves
        s3.put_object(Bucket=bucket, Key=key, Body=path.read_bytes(), ContentType=kind,
                      CacheControl=cache_control(key))
        published.uploaded.append(key)
    stale = [obj["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
             for obj in page.get("Contents", []) if obj["Key"] not in files]
    for start in range(0, len(stale), 1000):
        s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": key} for key in stale[start:start + 1000]],
                                                 "Quiet": True})
    published.deleted = stale
    if distribution:
        answer = cloudfront.create_invalidation(DistributionId=distribution, InvalidationBatch={
            "Paths": {"Quantity": 1, "Items": ["/*"]}, "CallerReference": f"publish-web-{uuid.uuid4().hex}"})
        published.invalidation_id = answer["Invalidation"]["Id"]
    return published


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m infra.publish_web",
                                     description="Upload web/ to the site bucket (the stack's SiteBucketName output).")
    parser.add_argument("--bucket", required=True, help="the site bucket's name")
    parser.add_argument("--distribution", help="the CloudFront distribution's id, to invalidate its copies")
    parser.add_argument("--web-dir", default=str(WEB_DIR), help=f"the site's folder (default {WEB_DIR})")
    return parser


def main(argv: Sequence[str] | None = None, *, s3: Any = None, cloudfront: Any = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not BUCKET_NAME.match(args.bucket) or ".." in args.bucket:
        parser.error(f"--bucket {args.bucket!r} is not an S3 bucket name (3-63 lower-case letters, digits, hyphens)")
    if args.distribution is not None and not DISTRIBUTION_ID.match(args.distribution):
        parser.error("--distribution must be a CloudFront distribution id (upper-case letters and digits, "
                     "e.g. E2QWRUHAPOMQZL)")
    web_dir = Path(args.web_dir)
    if not web_dir.is_dir():
        parser.error(f"--web-dir {web_dir} is not a folder")
    if s3 is None or (args.distribution and cloudfront is None):
        import boto3

        session = boto3.session.Session()
        s3 = s3 or session.client("s3")
        cloudfront = cloudfront or session.client("cloudfront")
    try:
        published = publish(s3, args.bucket, web_dir, cloudfront, args.distribution)
    except ValueError as error:
        parser.error(str(error))
    print(f"uploaded {len(published.uploaded)} file(s) to s3://{args.bucket}, deleted {len(published.deleted)} "
          "no longer in the site" + (f"; CloudFront invalidation {published.invalidation_id} ({args.distribution})"
                                     if published.invalidation_id else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
