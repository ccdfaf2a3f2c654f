"""Configuration: defaults < a TOML file (``--config`` or ``EDGE_CONFIG``) < ``EDGE_*`` environment < flags.

Every setting is declared once in ``OPTIONS``; the flags, the environment names and the file keys are
derived from it, and every value is checked before anything starts. The device secret is read from the
environment, the file or a secret file only (a command-line value would show in ``ps``), and is never
printed or logged.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import re
import tomllib
from collections.abc import Collection
from dataclasses import dataclass, fields
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from edge_uploader.errors import ConfigError
from edge_uploader.roi import Roi
from edge_uploader.screen import parse_address

MODEL_NAME = "face_detection_yunet_2023mar.onnx"
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")


def default_screen_files() -> Path:
    """screen/ beside the uploader: beside the .pyz `make edge` builds (out/edge/screen), or beside the package."""
    home = Path(__file__).resolve().parents[1]
    return (home.parent if home.is_file() else home) / "screen"


def _default_model(environ: dict[str, str]) -> str:
    """The model beside a development checkout (MODELS_DIR or ../shared/models), else in the working folder."""
    if environ.get("MODELS_DIR"):
        return str(Path(environ["MODELS_DIR"]) / MODEL_NAME)
    beside_checkout = Path(__file__).resolve().parents[2] / "shared" / "models" / MODEL_NAME
    return str(beside_checkout) if beside_checkout.exists() else MODEL_NAME


@dataclass(frozen=True)
class Option:
    name: str
    kind: type
    default: Any
    help: str
    flag: bool = True  # False: not settable on the command line (the secret)


OPTIONS = [
    Option("api_url", str, None, "base URL of the API, e.g. https://abc.execute-api.ap-southeast-1.amazonaws.com/api"),
    Option("device_id", str, None, "this device's id, from POST /v1/devices"),
    Option("device_secret", str, None, "this device's secret (environment or file only)", flag=False),
    Option("device_secret_file", str, None, "a file holding the device secret"),
    Option("source", str, None, "camera index (0), stream URL (rtsp://…), video file or folder of images"),
    Option("site_timezone", str, "Asia/Ho_Chi_Minh", "time zone of the office (capture times carry its offset)"),
    Option("queue_path", str, "edge-queue.sqlite3", "the durable local queue (SQLite)"),
    Option("queue_max", int, 5000, "captures waiting at most; beyond it new captures are refused and logged"),
    Option("retention_days", float, 7.0, "days to keep delivered answers and rejected captures on this box"),
    Option("model", str, None, f"YuNet model file ({MODEL_NAME})"),
    Option("detect_width", int, 640, "detect on the region of interest scaled down to this width (px)"),
    Option("roi", str, "0,0,1,1", "region of interest x,y,w,h as fractions of the frame"),
    Option("min_face_px", int, 60, "ignore faces narrower than this (full-frame px)"),
    Option("pause_seconds", float, 2.0, "send once a face has stayed still this long (the screen asks for 2 s)"),
    Option("frames_per_passage", int, 3, "crops sent per passage, 1 to 3 (1: the single best crop)"),
    Option("frame_gap_seconds", float, 0.5, "two crops of one passage are at least this far apart in time"),
    Option("send_unpaused", bool, True, "also send people who walk past without stopping (best frame)"),
    Option("clip_seconds", float, 6.0, "keep a clip of each passage, at most this long (0: no clips, e.g. for a "
                                       "server without PUT /v1/recognitions/{id}/clip)"),
    Option("clip_width", int, 320, "width of the clips (px); they are a few hundred KB at most"),
    Option("clip_fps", float, 8.0, "frames per second of the clips"),
    Option("recorded_at", str, None, "recorded sources: when the recording started (ISO 8601 with offset)"),
    Option("fps", float, 10.0, "recorded sources: frame rate of a folder (and of a file that does not say)"),
    Option("display", str, None, "annotated frames to a .jpg/.png (latest frame), an .avi/.mp4, or 'window'"),
    Option("screen", str, None, "serve the lobby screen (its page and /screen.json) on HOST:PORT, e.g. 0.0.0.0:8080"),
    Option("screen_files", str, None, "the lobby page's folder (default: screen/ beside the uploader, from make edge)"),
    Option("request_timeout", float, 15.0, "seconds to wait for the API"),
    Option("backoff_base", float, 1.0, "first retry delay (s); doubles per failure, with jitter"),
    Option("backoff_cap", float, 300.0, "longest retry delay (s)"),
    Option("drain_timeout", float, 120.0, "--once: how long to keep trying to deliver after the source ends"),
    Option("allow_insecure_http", bool, False, "allow http:// to a host other than this machine"),
    Option("log_level", str, "INFO", "DEBUG, INFO, WARNING or ERROR"),
    Option("status_interval", float, 10.0, "seconds between status lines when not on a terminal"),
]


@dataclass(frozen=True)
class Config:
    api_url: str
    device_id: str
    device_secret: str
    source: str
    site_timezone: str
    queue_path: Path
    queue_max: int
    retention_days: float
    model: Path
    detect_width: int
    roi: Roi
    min_face_px: int
    pause_seconds: float
    frames_per_passage: int
    frame_gap_seconds: float
    send_unpaused: bool
    recorded_at: datetime | None
    fps: float
    display: str | None
    screen: tuple[str, int] | None
    screen_files: Path
    request_timeout: float
    backoff_base: float
    backoff_cap: float
    drain_timeout: float
    log_level: str
    status_interval: float
    clip_seconds: float = 6.0
    clip_width: int = 320
    clip_fps: float = 8.0

    def __repr__(self) -> str:  # the secret never reaches a log or a traceback
        shown = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "device_secret"}
        return f"Config({shown}, device_secret='***')"

    __str__ = __repr__


# The settings `send` uses: where to post, who signs, and the site's clock.
CONNECTION_SETTINGS = ("api_url", "device_id", "device_secret", "device_secret_file", "site_timezone",
                       "request_timeout", "allow_insecure_http")


@dataclass(frozen=True)
class Connection:
    api_url: str
    device_id: str
    device_secret: str
    site_timezone: str
    request_timeout: float

    def __repr__(self) -> str:  # the secret never reaches a log or a traceback
        return (f"Connection(api_url={self.api_url!r}, device_id={self.device_id!r}, "
                f"site_timezone={self.site_timezone!r}, request_timeout={self.request_timeout!r}, device_secret='***')")

    __str__ = __repr__


class _RefuseSecretOnCommandLine(argparse.Action):
    """A secret typed as a flag would show in `ps`: refuse it without echoing it (argparse would)."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: object,
                 option_string: str | None = None) -> None:
        parser.error(f"{option_string} is not accepted: a secret on the command line shows in `ps`. "
                     "Use EDGE_DEVICE_SECRET, device_secret in the config file, or --device-secret-file")


def refuse_secret_flag(parser: argparse.ArgumentParser) -> None:
    """--device-secret and --secret exist only to be refused (the parser needs allow_abbrev=False)."""
    parser.add_argument("--device-secret", "--secret", nargs="?", action=_RefuseSecretOnCommandLine,
                        help=argparse.SUPPRESS)


def add_arguments(parser: argparse.ArgumentParser, names: Collection[str] | None = None) -> None:
    """The --config flag and one flag per setting (only ``names``, when given)."""
    parser.add_argument("--config", help="TOML file with any of the settings below (env EDGE_CONFIG)")
    for option in OPTIONS:
        if not option.flag or (names is not None and option.name not in names):
            continue
        flag = "--" + option.name.replace("_", "-")
        env = "EDGE_" + option.name.upper()
        default = f"; default {option.default}" if option.default is not None else ""
        if option.kind is bool:
            parser.add_argument(flag, action=argparse.BooleanOptionalAction, default=None,
                                help=f"{option.help} (env {env}{default})")
        else:
            parser.add_argument(flag, default=None, help=f"{option.help} (env {env}{default})")


def load(args: argparse.Namespace, environ: dict[str, str] | None = None) -> Config:
    """Merge the layers and validate them. Raises ConfigError with a code and a plain message."""
    return _validate(_merge(args, environ))


def load_connection(args: argparse.Namespace, environ: dict[str, str] | None = None) -> Connection:
    """Only what it takes to sign and post one request (``send``): no source, no model, no queue.

    The same layers as ``load``, so the box's configuration file and environment serve both; the other
    settings in them are not checked here.
    """
    values = _merge(args, environ)
    converted = {option.name: _convert(option, values[option.name]) for option in OPTIONS
                 if option.name in CONNECTION_SETTINGS}
    _require(converted, ("api_url", "device_id"))
    return _connection(converted)


def _merge(args: argparse.Namespace, environ: dict[str, str] | None) -> dict[str, Any]:
    environ = dict(os.environ if environ is None else environ)
    values: dict[str, Any] = {option.name: option.default for option in OPTIONS}
    values["model"] = _default_model(environ)
    config_file = getattr(args, "config", None) or environ.get("EDGE_CONFIG")
    if config_file:
        values.update(_read_file(Path(config_file)))
    for option in OPTIONS:
        env = environ.get("EDGE_" + option.name.upper())
        if env not in (None, ""):
            values[option.name] = env
        flag_value = getattr(args, option.name, None) if option.flag else None
        if flag_value is not None:
            values[option.name] = flag_value
    return values


def _read_file(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise ConfigError("config_not_found", f"configuration file {path} does not exist") from error
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError("config_invalid", f"configuration file {path} is not valid TOML: {error}") from error
    known = {option.name for option in OPTIONS}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError("config_unknown_key", f"{path}: unknown setting(s) {', '.join(unknown)}")
    return data


def _require(converted: dict[str, Any], names: tuple[str, ...]) -> None:
    for required in names:
        if not converted[required]:
            raise ConfigError("config_missing", f"{required} is required "
                                                f"(--{required.replace('_', '-')} or EDGE_{required.upper()})")


def _connection(converted: dict[str, Any]) -> Connection:
    secret = converted["device_secret"]
    if converted["device_secret_file"]:
        try:
            secret = Path(converted["device_secret_file"]).read_text(encoding="utf-8").strip()
        except OSError as error:
            raise ConfigError("secret_unreadable", f"cannot read device_secret_file: {error.strerror}") from error
    if not secret:
        raise ConfigError("config_missing", "the device secret is required "
                                            "(EDGE_DEVICE_SECRET, device_secret in the file, or device_secret_file)")
    if not ID_PATTERN.match(converted["device_id"]):
        raise ConfigError("config_invalid", "device_id has characters a device id never has")
    url = urlsplit(converted["api_url"])
    if url.scheme not in ("http", "https") or not url.hostname:
        raise ConfigError("config_invalid", "api_url must be an http(s) URL")
    if url.scheme == "http" and not (_is_loopback(url.hostname) or converted["allow_insecure_http"]):
        raise ConfigError("insecure_api_url", "api_url uses plain http to another machine: face images would travel "
                                              "unencrypted. Use https (or --allow-insecure-http on a closed network)")
    try:
        ZoneInfo(converted["site_timezone"])
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ConfigError("config_invalid", f"unknown site_timezone {converted['site_timezone']!r}") from error
    if converted["request_timeout"] <= 0:
        raise ConfigError("config_invalid", "request_timeout must be positive")
    return Connection(api_url=converted["api_url"].rstrip("/"), device_id=converted["device_id"], device_secret=secret,
                      site_timezone=converted["site_timezone"], request_timeout=converted["request_timeout"])


def _validate(values: dict[str, Any]) -> Config:
    converted = {option.name: _convert(option, values[option.name]) for option in OPTIONS}
    _require(converted, ("api_url", "device_id", "source"))
    connection = _connection(converted)
    try:
        roi = Roi.parse(converted["roi"])
    except ValueError as error:
        raise ConfigError("config_invalid", str(error)) from error
    recorded_at = None
    if converted["recorded_at"]:
        try:
            recorded_at = datetime.fromisoformat(converted["recorded_at"])
        except ValueError as error:
            raise ConfigError("config_invalid",
                              "recorded_at must be ISO 8601, e.g. 2026-11-20T07:00:00+07:00") from error
        if recorded_at.tzinfo is None:
            raise ConfigError("config_invalid", "recorded_at needs a UTC offset, e.g. +07:00")
    model = Path(converted["model"]).expanduser()
    if not model.is_file():
        raise ConfigError("model_not_found", f"YuNet model {model} not found (--model or EDGE_MODEL)")
    for name, low in (("queue_max", 1), ("detect_width", 64), ("min_face_px", 16)):
        if converted[name] < low:
            raise ConfigError("config_invalid", f"{name} must be at least {low}")
    for name in ("retention_days", "pause_seconds", "frame_gap_seconds", "fps", "backoff_base", "backoff_cap",
                 "status_interval"):
        if converted[name] <= 0:
            raise ConfigError("config_invalid", f"{name} must be positive")
    _check_passage(converted["pause_seconds"], converted["frames_per_passage"], converted["frame_gap_seconds"])
    if converted["clip_seconds"] < 0 or converted["clip_fps"] <= 0 or converted["clip_width"] < 32:
        raise ConfigError("config_invalid", "clip_seconds must not be negative, clip_fps positive, clip_width >= 32")
    if converted["drain_timeout"] < 0:
        raise ConfigError("config_invalid", "drain_timeout must not be negative")
    if converted["log_level"].upper() not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise ConfigError("config_invalid", "log_level must be DEBUG, INFO, WARNING or ERROR")
    screen = parse_address(converted["screen"]) if converted["screen"] else None
    screen_files = Path(converted["screen_files"]).expanduser() if converted["screen_files"] else default_screen_files()
    if screen is not None and converted["screen_files"] and not screen_files.is_dir():
        raise ConfigError("config_invalid", f"screen_files {screen_files} is not a folder")
    return Config(
        api_url=connection.api_url, device_id=connection.device_id, device_secret=connection.device_secret,
        source=converted["source"], site_timezone=connection.site_timezone,
        queue_path=Path(converted["queue_path"]).expanduser(), queue_max=converted["queue_max"],
        retention_days=converted["retention_days"], model=model, detect_width=converted["detect_width"], roi=roi,
        min_face_px=converted["min_face_px"], pause_seconds=converted["pause_seconds"],
        frames_per_passage=converted["frames_per_passage"], frame_gap_seconds=converted["frame_gap_seconds"],
        send_unpaused=converted["send_unpaused"], recorded_at=recorded_at, fps=converted["fps"],
        display=converted["display"], screen=screen, screen_files=screen_files,
        request_timeout=connection.request_timeout,
        backoff_base=converted["backoff_base"], backoff_cap=converted["backoff_cap"],
        drain_timeout=converted["drain_timeout"], log_level=converted["log_level"].upper(),
        status_interval=converted["status_interval"], clip_seconds=converted["clip_seconds"],
        clip_width=converted["clip_width"], clip_fps=converted["clip_fps"])


MAX_PAUSE_SECONDS = 10.0
MAX_FRAMES = 3


def _check_passage(pause_seconds: float, frames: int, gap: float) -> None:
    """The pause a person is asked for must hold the frames sent from it."""
    if pause_seconds > MAX_PAUSE_SECONDS:
        raise ConfigError("config_invalid", f"pause_seconds must be at most {MAX_PAUSE_SECONDS:g} (people are asked "
                                            "to stop for about 2 s; nobody stands longer)")
    if not 1 <= frames <= MAX_FRAMES:
        raise ConfigError("config_invalid", f"frames_per_passage must be 1 to {MAX_FRAMES} (what the server accepts "
                                            "in one capture)")
    if (frames - 1) * gap > pause_seconds:
        raise ConfigError("config_invalid", f"{frames} frames {gap:g} s apart do not fit in a pause of "
                                            f"{pause_seconds:g} s: lower frame_gap_seconds or frames_per_passage, "
                                            "or raise pause_seconds")


def _convert(option: Option, value: Any) -> Any:
    if value is None:
        return None
    try:
        if option.kind is bool:
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in ("1", "true", "yes", "on"):
                return True
            if text in ("0", "false", "no", "off"):
                return False
            raise ValueError(text)
        if option.kind is int and isinstance(value, float):
            raise ValueError(value)
        return option.kind(value)
    except (TypeError, ValueError) as error:
        kind = {bool: "true or false", int: "a whole number", float: "a number", str: "text"}[option.kind]
        raise ConfigError("config_invalid", f"{option.name} must be {kind}") from error


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
