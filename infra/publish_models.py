"""Put the face models into a deployed stack's bucket, verified against their manifests.

python -m infra.publish_models publish --bucket BUCKET [--model sface_2021dec] [--models-dir DIR | --url URL]

Without --models-dir the file is downloaded from the manifest's source URL (or --url) into a
temporary folder; either way its size and sha256 must match the manifest before it is uploaded,
together with the manifest itself, under models/.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

from face_engine.manifest import available_manifests, load_manifest
from face_engine.model_files import ModelIntegrityError, fetch_url, upload_to_s3, verify_file

# What a deployment with the template's defaults loads: detector, embedder and liveness model.
DEFAULT_MODELS = ("yunet_2023mar", "sface_2021dec", "minifasnetv2se_128")


def publish(s3: Any, bucket: str, model_ids: list[str], models_dir: Path | None, url: str | None) -> list[str]:
    keys: list[str] = []
    with tempfile.TemporaryDirectory(prefix="chamcong-models-") as scratch:
        for model_id in model_ids:
            manifest = load_manifest(model_id)
            if models_dir is not None:
                path = models_dir / manifest.file_name
                verify_file(manifest, path)
            else:
                path = fetch_url(manifest, Path(scratch), url if len(model_ids) == 1 else None)
            keys.extend(upload_to_s3(manifest, path, s3, bucket, "models/"))
    return keys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.publish_models", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    publish_parser = commands.add_parser("publish", help="upload verified model files and manifests")
    publish_parser.add_argument("--bucket", required=True)
    publish_parser.add_argument("--model", action="append", choices=available_manifests(),
                                help="model id (repeatable); default: " + ", ".join(DEFAULT_MODELS))
    source = publish_parser.add_mutually_exclusive_group()
    source.add_argument("--models-dir", type=Path, help="take the files from this folder")
    source.add_argument("--url", help="download from this URL instead of the manifest's (one --model only)")
    publish_parser.add_argument("--endpoint-url", help="S3 endpoint (for a local moto server)")
    args = parser.parse_args(argv)
    models = args.model or list(DEFAULT_MODELS)
    if args.url and len(models) != 1:
        parser.error("--url goes with exactly one --model")
    if args.models_dir is not None and not args.models_dir.is_dir():
        parser.error(f"{args.models_dir} is not a folder")

    import boto3

    s3 = boto3.client("s3", endpoint_url=args.endpoint_url)
    try:
        keys = publish(s3, args.bucket, models, args.models_dir, args.url)
    except (ModelIntegrityError, FileNotFoundError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for key in keys:
        print(f"uploaded s3://{args.bucket}/{key}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
