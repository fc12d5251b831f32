"""What users install is what is tested: the wheel, installed non-editable into a fresh venv, migrates,
serves signed slash commands over HTTP and ticks, with no checkout of the source on its path."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import venv
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.signing import signed_headers, slash_command_body
from bot.slack_stub import SlackStub

REPO = Path(__file__).resolve().parents[2]
SECRET = "wheel-test-signing-secret"
TOKEN = "xoxb" + "-wheel-test"
TEAM, OWNER = "T0WHEEL", "U0OWNER"
READY_SECONDS = 60


def _run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own build and CLI, fixed arguments
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False
    )


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin folder of a fresh venv holding Pulse's wheel and its dependencies, as `pip install` gives them."""
    root = tmp_path_factory.mktemp("wheel")
    built = _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", root / "dist", REPO, cwd=root)
    assert built.returncode == 0, built.stderr
    (wheel,) = (root / "dist").glob("pulse_bot-*.whl")
    venv.create(root / "venv", with_pip=True)
    bin_dir = root / "venv" / "bin"
    added = _run(bin_dir / "python", "-m", "pip", "install", "--quiet", wheel, cwd=root)
    assert added.returncode == 0, added.stderr
    return bin_dir


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _env(tmp_path: Path, stub: SlackStub, port: int) -> dict[str, str]:
    """Only what a deployment sets: no PYTHONPATH, no source checkout, no developer .env."""
    keep = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "TMPDIR"}}
    return {
        **keep,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'pulse.db'}",
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": stub.api_url,
        "PULSE_ADMINS": OWNER,
        "PORT": str(port),
    }


@pytest.fixture
def stub() -> Iterator[SlackStub]:
    with SlackStub() as running:
        yield running


def test_the_installed_wheel_migrates_serves_commands_and_ticks(
    installed: Path, tmp_path: Path, stub: SlackStub
) -> None:
    port = _free_port()
    env = _env(tmp_path, stub, port)
    migrated = _run(installed / "pulse", "migrate", cwd=tmp_path, env=env)
    assert migrated.returncode == 0, migrated.stderr
    server = subprocess.Popen(  # noqa: S603 - our own CLI
        [str(installed / "pulse"), "serve", "--http", "--no-scheduler", "--workers", "1", "--threads", "4"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, server)
        assert "*TNS-WHEEL* created" in _command(url, stub, "new TNS-WHEEL Installed from the wheel")
        assert "TNS-WHEEL: Installed from the wheel" in _command(url, stub, "show TNS-WHEEL")
    finally:
        server.terminate()
        server.wait(timeout=30)
    ticked = _run(installed / "pulse", "tick", "--at", "2026-12-01T09:05:00Z", cwd=tmp_path, env=env)
    assert ticked.returncode == 0, ticked.stderr
    assert ticked.stdout.startswith("tick at 2026-12-01T09:05:00+00:00: queued"), ticked.stdout


def _wait_healthy(url: str, server: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        assert server.poll() is None, server.stdout.read() if server.stdout else ""
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as answer:
                assert json.load(answer)["ok"] is True
                return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)  # waiting for a process to come up, not for time to pass
    pytest.fail("pulse serve did not answer /healthz in time")


def _command(url: str, stub: SlackStub, text: str) -> str:
    """Send a signed `/program` command; the readable text of the reply the caller sees (in the ack)."""
    body = slash_command_body(
        command="/program",
        text=text,
        user_id=OWNER,
        team_id=TEAM,
        channel_id="C0GENERAL",
        response_url=stub.response_url("wheel"),
    )
    request = urllib.request.Request(url + "/slack/events", data=body.encode(), headers=signed_headers(SECRET, body))
    with urllib.request.urlopen(request, timeout=10) as answer:
        payload = json.loads(answer.read() or b"{}")
    return " ".join(block["text"]["text"] for block in payload.get("blocks", []) if "text" in block)
