"""Change the face embedding model without an empty gallery: start, follow or run the re-embedding job.

python -m infra.reembed start --model mobilefacenet_128d_sfapi [--allow-missing]
python -m infra.reembed status
python -m infra.reembed run          # do the work here instead of waiting for the scheduled function

The stack is named by the same environment variables the functions read (GALLERIES_TABLE, FACES_TABLE,
AUDIT_TABLE, DATA_BUCKET, EMBEDDING_MODEL, AWS_REGION...). Recognitions keep using the active model until the
new gallery is complete; then the switch is one conditional write. The new model's file must be published
first (python -m infra.publish_models). `--allow-missing` lets the switch happen even though some people's
photos show no face to the new model (they are listed by `status`; without it the job stops as `blocked`).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def _print(view: dict[str, Any]) -> None:
    job = view["job"]
    print(f"Mô hình đang dùng / active model: {view['active_model_id']}"
          f" (trước đó / previous: {view['previous_model_id'] or '-'}, lần chuyển / switches: {view['generation']})")
    if job is None:
        print("Chưa có lượt tính lại nào / no re-embedding job yet.")
        return
    print(f"Lượt / job {job['job_id']}: {job['source_model_id']} → {job['target_model_id']}: "
          f"{job['status']} ({job['phase']}), {json.dumps(job['counts'], sort_keys=True)}")
    for face in job["no_face"]:
        print(f"  ảnh không còn nhận ra khuôn mặt / photo without a face: staff {face['staff_id']}"
              f" face {face['face_id']} ({face['reason']})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.reembed", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    start = commands.add_parser("start", help="start (or resume) re-embedding the gallery for a model")
    start.add_argument("--model", required=True, help="the embedder's model id (a packaged manifest)")
    start.add_argument("--allow-missing", action="store_true",
                       help="switch even if some people's photos no longer show a face to the new model")
    commands.add_parser("status", help="the active model and the latest job")
    commands.add_parser("run", help="run the job here until it is done or blocked")
    args = parser.parse_args(argv)

    from chamcong.access import Access
    from chamcong.container import Container
    from chamcong.errors import DomainError
    from chamcong.messages import message_for
    from chamcong.services import reembedding
    from chamcong.settings import Settings

    container = Container(Settings())
    system = Access.system()
    try:
        if args.command == "start":
            view = reembedding.start(container, system, args.model, allow_missing=args.allow_missing)
        elif args.command == "run":
            view = reembedding.run(container)
        else:
            view = reembedding.status(container, system)
    except DomainError as error:
        print(f"{message_for(error.code)} / {message_for(error.code, 'en')} ({error.code})", file=sys.stderr)
        return 2
    _print(view)
    job = view["job"]
    return 1 if job is not None and job["status"] == "blocked" else 0


if __name__ == "__main__":
    sys.exit(main())
