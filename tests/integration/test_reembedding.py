"""Changing the embedding model: the gallery is re-embedded beside the old one and the switch happens at once.

Model A is `mobilefacenet_128d`, model B `mobilefacenet_128d_sfapi` (the same network fed raw pixels): two
manifests, two galleries, two pointers, with the real photos of faces-dev.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
import scheduled

from chamcong.access import Access
from chamcong.container import Container
from chamcong.errors import Conflict, Unprocessable
from chamcong.services import reembedding
from chamcong.store.models.audit import AuditModel
from chamcong.store.models.staff import FaceModel
from face_engine.manifest import load_manifest
from tests.integration.harness import Product
from tests.integration.photos import blank_jpeg, face_crop, photos_of

MODEL_A = "mobilefacenet_128d"
MODEL_B = "mobilefacenet_128d_sfapi"
PEOPLE = ["person01", "person02", "person03", "person04", "person05", "person06"]


@dataclass
class Lobby:
    device_id: str
    unit_id: str
    staff: dict[str, str]  # faces-dev folder → staff_id
    captures: int = 0


def _enrolled_lobby(product: Product, faces_dir: Path, people: list[str]) -> Lobby:
    unit = product.unit()
    device_id, _ = product.device(unit)
    lobby = Lobby(device_id, unit, {})
    for number, person in enumerate(people):
        staff_id = product.staff(f"Cán bộ số {number + 1}", unit)
        reply = product.enrol(staff_id, photos_of(faces_dir, person)[0])
        assert reply.status == 201, reply.body
        lobby.staff[person] = staff_id
    return lobby


def _recognised(product: Product, lobby: Lobby, faces_dir: Path, person: str) -> str | None:
    """Who the lobby camera says a passer-by is: a crop of another photo of `person`."""
    lobby.captures += 1
    probe = face_crop(product.container.engine(), photos_of(faces_dir, person)[-1])
    reply = product.recognise(lobby.device_id, f"cap-{lobby.captures}", probe, "2026-11-20T07:20:00+07:00")
    assert reply.status == 200, reply.body
    return reply.body["staff_id"] if reply.body["result"] == "matched" else None


def _stop_after(faces: int) -> Any:
    """A Lambda about to time out: stop once `faces` faces have been looked at."""
    asked = {"n": 0}

    def should_stop() -> bool:
        asked["n"] += 1
        return asked["n"] > faces

    return should_stop


class _LambdaContext:
    function_name = "ReembedFunction"
    memory_limit_in_mb = 1769
    invoked_function_arn = "arn:aws:lambda:ap-southeast-1:123456789012:function:ReembedFunction"
    aws_request_id = "req-reembed"

    def get_remaining_time_in_millis(self) -> int:
        return 600_000


def test_switching_the_model_keeps_recognising_everyone(product: Product, faces_dir: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reembedding, "PAGE", 2)  # the scan's cursor moves over several pages
    container = product.container
    system = Access.system()
    # GIVEN six people enrolled under model A, recognised at the lobby
    lobby = _enrolled_lobby(product, faces_dir, PEOPLE)
    assert container.recognition_model().model_id == MODEL_A
    for person in PEOPLE:
        assert _recognised(product, lobby, faces_dir, person) == lobby.staff[person], person
    # and another warm function that has already recognised with model A (one that looks at the pointer every time:
    # a deployed one sees the switch within gallery_check_seconds)
    other = Container(container.settings.model_copy(update={"gallery_check_seconds": 0.0}), clock=product.clock)
    assert other.recognition_model().model_id == MODEL_A

    # WHEN an admin starts the job towards model B and the first invocation is cut off after three faces
    started = reembedding.start(container, system, MODEL_B)
    assert started["job"]["status"] == "running" and started["active_model_id"] == MODEL_A
    midway = reembedding.run(container, should_stop=_stop_after(3))
    # THEN the job is still running, with three faces done and nothing switched
    assert (midway["job"]["status"], midway["job"]["phase"]) == ("running", "embed")
    assert midway["job"]["counts"]["embedded"] == 3
    assert midway["active_model_id"] == MODEL_A
    assert not container.gallery_for(MODEL_B).exists()
    # AND recognitions keep matching under model A
    for person in PEOPLE[:3]:
        assert _recognised(product, lobby, faces_dir, person) == lobby.staff[person], person
    assert container.recognition_model().model_id == MODEL_A

    # WHEN, while it runs, one more person is enrolled and one person leaves
    newcomer = product.staff("Người mới vào", lobby.unit_id)
    assert product.enrol(newcomer, photos_of(faces_dir, "person07")[0]).body["model_id"] == MODEL_A
    lobby.staff["person07"] = newcomer
    leaver = lobby.staff.pop("person06")
    assert product.delete(f"/v1/staff/{leaver}").status == 204
    # and a second invocation is cut off too, then the scheduled entry finishes the job
    second = reembedding.run(container, should_stop=_stop_after(2))
    assert second["job"]["status"] == "running"
    finished = scheduled.reembed({}, _LambdaContext())

    # THEN the pointer is on model B, the old model kept for a rollback
    assert (finished["active_model_id"], finished["previous_model_id"]) == (MODEL_B, MODEL_A)
    assert (finished["job"]["status"], finished["job"]["phase"]) == ("done", "done")
    assert finished["job"]["no_face"] == []
    assert finished["job"]["counts"]["faces"] == 6 and finished["job"]["counts"]["people"] == 6
    # AND both warm functions now recognise with model B and its threshold
    for running in (container, other):
        model = running.recognition_model()
        assert model.model_id == MODEL_B and model.engine.model_id == MODEL_B
        assert model.threshold == load_manifest(MODEL_B).default_threshold
    # AND the new gallery holds exactly the people on record: the newcomer in, the leaver out
    new_gallery = container.gallery_for(MODEL_B).current()
    assert set(new_gallery.staff_ids) == set(lobby.staff.values())
    assert len(new_gallery) == 6
    for person, staff_id in lobby.staff.items():
        assert _recognised(product, lobby, faces_dir, person) == staff_id, person
    assert _recognised(product, lobby, faces_dir, "person06") is None
    # AND the old gallery is kept (without the leaver) and every face record holds both embeddings
    old_gallery = container.gallery_for(MODEL_A).current()
    assert leaver not in old_gallery.staff_ids and len(old_gallery) == 6
    for face in FaceModel.scan():
        assert reembedding.embedding_for(face, MODEL_A) is not None
        assert reembedding.embedding_for(face, MODEL_B) is not None
    # AND the switch is audited with counts only
    actions = {entry.action: entry for entry in AuditModel.scan()}
    assert actions["gallery.reembed.switch"].details["faces"] == 6
    assert set(actions["gallery.reembed.switch"].details) <= {"from", "to", "faces", "people", "embedded",
                                                              "people_without_face", "gone", "no_face"}

    # WHEN the job is started and run again for the model already active
    version = new_gallery.version
    again = reembedding.start(container, system, MODEL_B)
    rerun = reembedding.run(container)
    # THEN nothing more changes
    assert again["job"]["job_id"] == finished["job"]["job_id"] == rerun["job"]["job_id"]
    assert rerun["generation"] == finished["generation"] == 1
    assert container.gallery_for(MODEL_B).current().version == version

    # AND a person enrolled after the switch is enrolled with model B
    late = product.staff("Người vào sau", lobby.unit_id)
    reply = product.enrol(late, photos_of(faces_dir, "person08")[0])
    assert reply.status == 201 and reply.body["model_id"] == MODEL_B
    lobby.staff["person08"] = late
    assert _recognised(product, lobby, faces_dir, "person08") == late


def test_rolling_back_re_embeds_only_the_faces_enrolled_since(product: Product, faces_dir: Path) -> None:
    container = product.container
    system = Access.system()
    lobby = _enrolled_lobby(product, faces_dir, PEOPLE[:3])
    reembedding.start(container, system, MODEL_B)
    assert reembedding.run(container)["active_model_id"] == MODEL_B
    newcomer = product.staff("Người mới vào", lobby.unit_id)
    assert product.enrol(newcomer, photos_of(faces_dir, "person07")[0]).status == 201
    lobby.staff["person07"] = newcomer
    # WHEN switching back to model A
    reembedding.start(container, system, MODEL_A)
    back = reembedding.run(container)
    # THEN only the newcomer's photo was embedded again, and everyone is recognised under A
    assert (back["active_model_id"], back["previous_model_id"], back["generation"]) == (MODEL_A, MODEL_B, 2)
    assert back["job"]["counts"]["embedded"] == 1
    for person, staff_id in lobby.staff.items():
        assert _recognised(product, lobby, faces_dir, person) == staff_id, person


def test_a_photo_the_new_model_finds_no_face_in_is_reported_and_blocks_the_switch(product: Product,
                                                                                    faces_dir: Path) -> None:
    container = product.container
    system = Access.system()
    lobby = _enrolled_lobby(product, faces_dir, PEOPLE[:3])
    # GIVEN one person's only stored photo no longer shows a face to the new model (here: replaced by a blank)
    hidden = lobby.staff["person02"]
    face = next(iter(FaceModel.query(hidden)))
    boto3.client("s3", region_name="ap-southeast-1").put_object(
        Bucket=container.settings.data_bucket, Key=face.photo_key, Body=blank_jpeg())
    # WHEN the job runs
    reembedding.start(container, system, MODEL_B)
    blocked = reembedding.run(container)
    # THEN it does not switch: that person would no longer be recognised; the photo is named
    assert blocked["job"]["status"] == "blocked" and blocked["active_model_id"] == MODEL_A
    assert blocked["job"]["no_face"] == [{"staff_id": hidden, "face_id": face.face_id, "reason": "no_face"}]
    assert blocked["job"]["counts"]["people_without_face"] == 1
    assert _recognised(product, lobby, faces_dir, "person01") == lobby.staff["person01"]
    # AND another model cannot be started meanwhile
    with pytest.raises(Conflict, match="reembed_in_progress"):
        reembedding.start(container, system, "sface_2021dec")
    # WHEN the admin accepts it, the switch happens and the others are recognised under B
    reembedding.start(container, system, MODEL_B, allow_missing=True)
    done = reembedding.run(container)
    assert done["active_model_id"] == MODEL_B and done["job"]["status"] == "done"
    assert done["job"]["no_face"][0]["face_id"] == face.face_id
    assert hidden not in container.gallery_for(MODEL_B).current().staff_ids
    assert _recognised(product, lobby, faces_dir, "person03") == lobby.staff["person03"]


def test_an_unknown_model_is_refused(product: Product) -> None:
    with pytest.raises(Unprocessable, match="unknown_model"):
        reembedding.start(product.container, Access.system(), "no_such_model")
    with pytest.raises(Unprocessable, match="unknown_model"):
        reembedding.start(product.container, Access.system(), "yunet_2023mar")


def test_the_admin_command_starts_runs_and_shows_the_job(product: Product, faces_dir: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    from infra import reembed

    lobby = _enrolled_lobby(product, faces_dir, PEOPLE[:2])
    assert reembed.main(["status"]) == 0
    assert "active model: mobilefacenet_128d " in capsys.readouterr().out
    assert reembed.main(["start", "--model", "no_such_model"]) == 2
    assert "unknown_model" in capsys.readouterr().err
    assert reembed.main(["start", "--model", MODEL_B]) == 0
    assert f"{MODEL_A} → {MODEL_B}: running (embed)" in capsys.readouterr().out
    assert reembed.main(["run"]) == 0
    out = capsys.readouterr().out
    assert f"active model: {MODEL_B}" in out and "done (done)" in out
    assert _recognised(product, lobby, faces_dir, "person02") == lobby.staff["person02"]
