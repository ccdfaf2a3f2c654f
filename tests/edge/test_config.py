"""Configuration: file < environment < flags, the secret kept out of sight, and every bad setting named."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from edge_uploader import config
from edge_uploader.cli import build_parser
from edge_uploader.config import MODEL_NAME, Config
from edge_uploader.errors import ConfigError
from edge_uploader.roi import Roi

REPO = Path(__file__).resolve().parents[2]
SECRET = "s3cret-of-lobby-1-9d8c7b"

Load = Callable[..., Config]


def parse(*argv: str) -> argparse.Namespace:
    return build_parser().parse_args(list(argv))


@pytest.fixture
def model(models_dir: Path) -> str:
    return str(models_dir / MODEL_NAME)


@pytest.fixture
def base_env(model: str) -> dict[str, str]:
    """A complete, valid setting from the environment alone."""
    return {"EDGE_API_URL": "https://abc.execute-api.ap-southeast-1.amazonaws.com/api", "EDGE_DEVICE_ID": "lobby-1",
            "EDGE_SOURCE": "0", "EDGE_DEVICE_SECRET": SECRET, "EDGE_MODEL": model}


def error_of(argv: list[str], environ: dict[str, str]) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        config.load(parse(*argv), environ)
    return caught.value


def without(environ: dict[str, str], *names: str) -> dict[str, str]:
    return {key: value for key, value in environ.items() if key not in names}


def test_a_complete_environment_loads_with_the_defaults(base_env: dict[str, str], model: str) -> None:
    loaded = config.load(parse(), base_env)
    assert loaded.api_url == "https://abc.execute-api.ap-southeast-1.amazonaws.com/api"
    assert (loaded.device_id, loaded.source, loaded.device_secret) == ("lobby-1", "0", SECRET)
    assert loaded.model == Path(model)
    assert (loaded.pause_seconds, loaded.queue_max, loaded.site_timezone) == (2.0, 5000, "Asia/Ho_Chi_Minh")
    assert (loaded.frames_per_passage, loaded.frame_gap_seconds) == (3, 0.5)
    assert loaded.roi == Roi() and loaded.send_unpaused is True and loaded.recorded_at is None


def test_file_then_environment_then_flag(tmp_path: Path, base_env: dict[str, str]) -> None:
    # GIVEN pause_seconds in the file, the environment and a flag, and queue_max in the file and environment
    settings = tmp_path / "edge.toml"
    settings.write_text("pause_seconds = 2.0\nqueue_max = 10\nfps = 12.5\nsend_unpaused = false\n", encoding="utf-8")
    environ = {**base_env, "EDGE_CONFIG": str(settings), "EDGE_PAUSE_SECONDS": "3", "EDGE_QUEUE_MAX": "20"}
    # WHEN loaded with and without the flag
    with_flag = config.load(parse("--pause-seconds", "4"), environ)
    without_flag = config.load(parse(), environ)
    file_only = config.load(parse(), without(environ, "EDGE_PAUSE_SECONDS", "EDGE_QUEUE_MAX"))
    # THEN the flag wins over the environment, which wins over the file
    assert with_flag.pause_seconds == 4.0
    assert without_flag.pause_seconds == 3.0
    assert file_only.pause_seconds == 2.0
    assert (without_flag.queue_max, file_only.queue_max) == (20, 10)
    assert (file_only.fps, file_only.send_unpaused) == (12.5, False)
    # AND a boolean flag wins over the file too
    assert config.load(parse("--send-unpaused"), environ).send_unpaused is True


def test_the_config_flag_names_the_file(tmp_path: Path, base_env: dict[str, str]) -> None:
    settings = tmp_path / "edge.toml"
    settings.write_text('roi = "0.25,0,0.5,1"\n', encoding="utf-8")
    assert config.load(parse("--config", str(settings)), base_env).roi == Roi(0.25, 0, 0.5, 1)


def test_the_secret_from_environment_file_key_or_secret_file(tmp_path: Path, base_env: dict[str, str]) -> None:
    # GIVEN the secret from the environment
    assert config.load(parse(), base_env).device_secret == SECRET
    # GIVEN the secret as a key of the TOML file
    settings = tmp_path / "edge.toml"
    settings.write_text(f'device_secret = "{SECRET}-file"\n', encoding="utf-8")
    from_file = config.load(parse("--config", str(settings)), without(base_env, "EDGE_DEVICE_SECRET"))
    assert from_file.device_secret == SECRET + "-file"
    # GIVEN a secret file (as a systemd credential or a mounted secret), with its trailing newline
    secret_file = tmp_path / "device-secret"
    secret_file.write_text(SECRET + "-secret-file\n", encoding="utf-8")
    from_secret_file = config.load(parse("--device-secret-file", str(secret_file)),
                                   without(base_env, "EDGE_DEVICE_SECRET"))
    assert from_secret_file.device_secret == SECRET + "-secret-file"


def test_a_secret_on_the_command_line_is_refused_without_echoing_it(tmp_path: Path) -> None:
    # GIVEN an operator passing the secret as a flag (it would show in `ps` to every user of the box)
    for flags in (["--device-secret", SECRET], [f"--device-secret={SECRET}"], ["--secret", SECRET]):
        # WHEN the uploader is started with it
        result = subprocess.run([sys.executable, "-m", "edge_uploader", *flags, "--source", "0"], cwd=REPO,
                                capture_output=True, text=True, timeout=60, check=False)
        # THEN it refuses to start, says what to do instead, and the value appears nowhere
        assert result.returncode == 2, result.stderr
        assert "is not accepted" in result.stderr and "EDGE_DEVICE_SECRET" in result.stderr
        assert SECRET not in result.stdout + result.stderr


def test_the_secret_never_shows_in_repr_or_str(base_env: dict[str, str]) -> None:
    loaded = config.load(parse(), base_env)
    for shown in (repr(loaded), str(loaded), f"{loaded}", f"{loaded!r}"):
        assert SECRET not in shown
        assert "lobby-1" in shown and "device_secret='***'" in shown


@pytest.mark.parametrize("missing", ["EDGE_API_URL", "EDGE_DEVICE_ID", "EDGE_SOURCE", "EDGE_DEVICE_SECRET"])
def test_a_missing_required_setting_is_named(base_env: dict[str, str], missing: str) -> None:
    error = error_of([], without(base_env, missing))
    assert error.code == "config_missing"
    named = "secret" if missing == "EDGE_DEVICE_SECRET" else missing.removeprefix("EDGE_").lower()
    assert named in str(error)


def test_an_unreadable_secret_file_is_named(tmp_path: Path, base_env: dict[str, str]) -> None:
    error = error_of(["--device-secret-file", str(tmp_path / "absent")], without(base_env, "EDGE_DEVICE_SECRET"))
    assert error.code == "secret_unreadable"


def test_plain_http_only_to_this_machine_unless_allowed(base_env: dict[str, str]) -> None:
    # GIVEN plain http to another machine: face images would cross the network unencrypted
    insecure = {**base_env, "EDGE_API_URL": "http://192.168.1.20:8000/api"}
    assert error_of([], insecure).code == "insecure_api_url"
    assert error_of(["--api-url", "http://api.example.vn"], base_env).code == "insecure_api_url"
    assert error_of(["--api-url", "http://localhost.example.vn"], base_env).code == "insecure_api_url"
    # THEN to this machine it is fine
    for url in ("http://127.0.0.1:8000", "http://localhost:8000/api", "http://[::1]:8000"):
        assert config.load(parse("--api-url", url), base_env).api_url == url
    # AND the operator may allow it explicitly on a closed network (flag or environment)
    assert config.load(parse("--allow-insecure-http"), insecure).api_url == "http://192.168.1.20:8000/api"
    assert config.load(parse(), {**insecure, "EDGE_ALLOW_INSECURE_HTTP": "true"}).api_url.startswith("http://")


def test_api_url_must_be_http(base_env: dict[str, str]) -> None:
    assert error_of(["--api-url", "ftp://api.example.vn"], base_env).code == "config_invalid"
    assert error_of(["--api-url", "api.example.vn"], base_env).code == "config_invalid"


@pytest.mark.parametrize("argv", [
    ["--roi", "0,0,2,1"],
    ["--roi", "0.5,0.5,0.6,0.5"],
    ["--roi", "left half"],
    ["--site-timezone", "Asia/Hanoi_City"],
    ["--recorded-at", "2026-11-20T07:00:00"],
    ["--recorded-at", "yesterday morning"],
    ["--queue-max", "lots"],
    ["--queue-max", "0"],
    ["--pause-seconds", "-1"],
    ["--pause-seconds", "30"],
    ["--frames-per-passage", "0"],
    ["--frames-per-passage", "4"],
    ["--frames-per-passage", "2.5"],
    ["--frame-gap-seconds", "0"],
    ["--frame-gap-seconds", "1.5"],                            # 3 frames 1.5 s apart: 3 s, the pause is 2 s
    ["--pause-seconds", "0.8", "--frame-gap-seconds", "0.5"],  # 3 frames need 1 s
    ["--send-unpaused", "--log-level", "chatty"],
    ["--device-id", "lobby 1; rm -rf /"],
])
def test_a_bad_setting_is_config_invalid(base_env: dict[str, str], argv: list[str]) -> None:
    assert error_of(argv, base_env).code == "config_invalid"


@pytest.mark.parametrize(("argv", "expected"), [
    (["--frames-per-passage", "1", "--pause-seconds", "0.5"], (1, 0.5, 0.5)),  # one crop: any gap, any pause
    (["--frames-per-passage", "2", "--frame-gap-seconds", "2"], (2, 2.0, 2.0)),  # just fits
    (["--pause-seconds", "1", "--frame-gap-seconds", "0.5"], (3, 0.5, 1.0)),
])
def test_passage_settings_that_fit_are_kept(base_env: dict[str, str], argv: list[str],
                                            expected: tuple[int, float, float]) -> None:
    loaded = config.load(parse(*argv), base_env)
    assert (loaded.frames_per_passage, loaded.frame_gap_seconds, loaded.pause_seconds) == expected


def test_a_pause_too_short_for_its_frames_says_what_to_change(base_env: dict[str, str]) -> None:
    message = str(error_of(["--pause-seconds", "0.8"], base_env))
    assert "3 frames 0.5 s apart do not fit in a pause of 0.8 s" in message and "frame_gap_seconds" in message


def test_recorded_at_with_an_offset_is_kept(base_env: dict[str, str]) -> None:
    loaded = config.load(parse("--recorded-at", "2026-11-20T07:00:00+07:00"), base_env)
    assert loaded.recorded_at is not None and loaded.recorded_at.utcoffset() is not None
    assert loaded.recorded_at.isoformat() == "2026-11-20T07:00:00+07:00"


def test_a_non_integer_queue_max_in_the_file_is_refused(tmp_path: Path, base_env: dict[str, str]) -> None:
    settings = tmp_path / "edge.toml"
    settings.write_text("queue_max = 2.5\n", encoding="utf-8")
    error = error_of(["--config", str(settings)], base_env)
    assert error.code == "config_invalid"
    assert "queue_max" in str(error)


def test_an_unknown_key_in_the_file_is_named(tmp_path: Path, base_env: dict[str, str]) -> None:
    # GIVEN a typo in the file, which would otherwise be silently ignored
    settings = tmp_path / "edge.toml"
    settings.write_text("pause_second = 2.0\n", encoding="utf-8")
    error = error_of(["--config", str(settings)], base_env)
    assert error.code == "config_unknown_key"
    assert "pause_second" in str(error)


def test_invalid_toml_and_a_missing_file(tmp_path: Path, base_env: dict[str, str]) -> None:
    broken = tmp_path / "edge.toml"
    broken.write_text("pause_seconds = = 2\n", encoding="utf-8")
    assert error_of(["--config", str(broken)], base_env).code == "config_invalid"
    missing = tmp_path / "nowhere.toml"
    error = error_of([], {**base_env, "EDGE_CONFIG": str(missing)})
    assert error.code == "config_not_found"
    assert str(missing) in str(error)


def test_a_missing_model_is_named(tmp_path: Path, base_env: dict[str, str]) -> None:
    error = error_of(["--model", str(tmp_path / MODEL_NAME)], base_env)
    assert error.code == "model_not_found"
    error = error_of([], {**without(base_env, "EDGE_MODEL"), "MODELS_DIR": str(tmp_path)})
    assert error.code == "model_not_found"


def test_models_dir_locates_the_default_model(models_dir: Path, base_env: dict[str, str]) -> None:
    loaded = config.load(parse(), {**without(base_env, "EDGE_MODEL"), "MODELS_DIR": str(models_dir)})
    assert loaded.model == models_dir / MODEL_NAME


def clean_environ() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if not key.startswith("EDGE_")}


def test_help_describes_once_and_the_exit_codes() -> None:
    done = subprocess.run([sys.executable, "-m", "edge_uploader", "--help"], cwd=REPO, env=clean_environ(),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "--once" in done.stdout
    assert "exit codes" in done.stdout
    assert "--device-secret-file" in done.stdout
    assert "--device-secret " not in done.stdout


def test_a_bad_setting_exits_2_with_its_code_and_no_traceback(model: str) -> None:
    environ = {**clean_environ(), "EDGE_DEVICE_SECRET": SECRET}
    done = subprocess.run([sys.executable, "-m", "edge_uploader", "--api-url", "http://api.example.vn",
                           "--device-id", "lobby-1", "--source", "0", "--model", model],
                          cwd=REPO, env=environ, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "error [insecure_api_url]" in done.stderr
    assert "Traceback" not in done.stderr
    assert SECRET not in done.stderr + done.stdout
