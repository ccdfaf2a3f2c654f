"""What the lobby screen says, decided once per frame (standard library only).

The runner builds one ``View`` per frame: an ``Overlay`` per followed face (its box, the line above it) and the
banner at the bottom. The ``--display`` output draws it (display.py); the ``--screen`` server answers it as
``/screen.json`` (screen.py) through ``screen_state``. Both read the same View, so the kiosk page and the
annotated video never disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from edge_uploader.wire import SPOOF_SUSPECTED

WAITING = "Bỏ khẩu trang, dừng 2 giây"
SENT = "Đang nhận diện…"
LOOK_AT_CAMERA = "Vui lòng nhìn thẳng vào camera"  # the server answered spoof_suspected: nothing was recorded

ScreenName = Literal["idle", "prompt", "recognising", "result"]


@dataclass(frozen=True)
class Overlay:
    box: tuple[float, float, float, float]
    text: str
    state: str  # waiting, sent, matched, look (asked to look at the camera: judged a spoof), other
    # Once the server has answered the face's capture: what it said
    result: str | None = None
    name: str | None = None
    message: str | None = None


@dataclass(frozen=True)
class Answer:
    """The part of the server's answer the screen shows (never the crops, never a similarity)."""

    result: str | None
    name: str | None
    message: str | None

    @classmethod
    def of(cls, answer: dict[str, Any]) -> Answer:
        result = str(answer["result"]) if answer.get("result") else None
        name = str(answer["full_name"]) if result == "matched" and answer.get("full_name") else None
        # A spoof is always asked to look at the camera, whatever the server's wording: its message is not shown
        message = str(answer["display_message"]) if answer.get("display_message") and result != SPOOF_SUSPECTED \
            else None
        return cls(result, name, message)


@dataclass(frozen=True)
class View:
    overlays: Sequence[Overlay] = field(default_factory=tuple)
    banner: str = ""
    banner_answer: Answer | None = None  # the answer the banner speaks of, while it is shown


def banner_of(answer: dict[str, Any]) -> str:
    """What the bottom of the lobby screen says about an answer: the server's message, except that a passage
    judged a spoof always asks the person to look straight into the camera (whatever the server's wording)."""
    if answer.get("result") == SPOOF_SUSPECTED:
        return LOOK_AT_CAMERA
    return str(answer.get("display_message", ""))


def overlay_for(box: tuple[float, float, float, float], sent: bool, answer: dict[str, Any] | None) -> Overlay:
    """The line above one face: the prompt, "recognising", or the answer (the name; a spoof: look at the camera)."""
    if answer is None:
        return Overlay(box, SENT, "sent") if sent else Overlay(box, WAITING, "waiting")
    said = Answer.of(answer)
    if said.result == "matched":
        return Overlay(box, str(answer.get("full_name") or ""), "matched", said.result, said.name, said.message)
    if said.result == SPOOF_SUSPECTED:
        return Overlay(box, LOOK_AT_CAMERA, "look", said.result, said.name, said.message)
    return Overlay(box, str(answer.get("display_message", "")).split(".")[0], "other", said.result, said.name,
                   said.message)


def screen_state(view: View) -> dict[str, Any]:
    """The lobby page's data (without its time): what the display shows now.

    An answer being announced (the banner) comes first; then a face being recognised, then one being asked to
    pause; then the answer above the nearest face still in view; else nothing (idle).
    """
    if view.banner and view.banner_answer is not None:
        return _state("result", view.banner, view.banner_answer)
    for state, name in (("sent", "recognising"), ("waiting", "prompt")):
        if any(overlay.state == state for overlay in view.overlays):
            return _state(name, SENT if state == "sent" else WAITING, None)  # type: ignore[arg-type]
    answered = [overlay for overlay in view.overlays if overlay.result is not None]
    if answered:
        nearest = max(answered, key=lambda overlay: overlay.box[2] * overlay.box[3])
        return _state("result", nearest.text, Answer(nearest.result, nearest.name, nearest.message))
    return _state("idle", "", None)


def _state(name: ScreenName, text: str, answer: Answer | None) -> dict[str, Any]:
    return {"state": name, "text": text, "name": answer.name if answer else None,
            "message": answer.message if answer else None, "result": answer.result if answer else None}
