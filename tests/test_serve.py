"""Serving the portal like a tool people trust: a busy port is refused at once in one line (exit 2),
and the URL is printed when the server listens."""

from __future__ import annotations

import os
import resource
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.portal.builder import port_problem
from tests.portal_fixture import make_kb

ROOT = Path(__file__).resolve().parents[1]
KB = [sys.executable, "-m", "generator"]


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A port with a listening server on it for the duration of the test."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        yield server.getsockname()[1]


def _timed(args: list[str], cwd: Path) -> tuple[subprocess.CompletedProcess[str], float, float]:
    """Run a command; (result, wall seconds, CPU seconds of the child)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=60)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return result, wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _quick(wall: float, cpu: float) -> None:
    """Within 2 s of wall time; on a machine loaded past twice its cores, wall time says little, so the
    child's CPU time (a build would take many seconds of it) must stay under 1 s instead."""
    assert cpu < 1.0
    if os.getloadavg()[0] <= 2 * (os.cpu_count() or 1):
        assert wall < 2.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_port_problem_names_the_port_and_a_way_out(busy_port: int) -> None:
    problem = port_problem("127.0.0.1", busy_port)
    assert f"port {busy_port} on 127.0.0.1 is already in use" in problem
    assert f"--port {busy_port + 1}" in problem
    assert port_problem("127.0.0.1", _free_port()) == ""


def test_kb_build_serve_on_a_busy_port_says_so_in_one_line_and_exits_2_within_2_seconds(
    tmp_path: Path, busy_port: int
) -> None:
    make_kb(tmp_path, git=False)
    result, wall, cpu = _timed([*KB, "build", "--serve", "--port", str(busy_port)], tmp_path)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith(f"Error: port {busy_port} on 127.0.0.1 is already in use")
    assert "--port" in result.stderr
    _quick(wall, cpu)
    assert not (tmp_path / "site").exists()


def test_scripts_portal_serve_on_a_busy_port_says_so_before_validating(busy_port: int) -> None:
    if not (ROOT / ".venv" / "bin" / "kb").exists():
        pytest.skip("needs the project's .venv (scripts/test creates it)")
    result, wall, cpu = _timed(["bash", "scripts/portal", "--serve", "--port", str(busy_port)], ROOT)
    assert result.returncode == 2
    assert result.stderr.startswith(f"scripts/portal: port {busy_port} on 127.0.0.1 is already in use")
    assert result.stderr.count("\n") == 1
    assert "validating" not in result.stdout
    _quick(wall, cpu)


def test_kb_build_serve_prints_the_url_once_the_server_answers(tmp_path: Path) -> None:
    make_kb(tmp_path, git=False)
    port = _free_port()
    proc = subprocess.Popen([*KB, "build", "--serve", "--port", str(port)], cwd=tmp_path, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, start_new_session=True)  # fmt: skip
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()  # blocks until the first build is done and the server listens
        url = f"http://127.0.0.1:{port}/"
        assert line == f"Serving the portal on {url} (Ctrl-C to stop)\n"
        with urllib.request.urlopen(url + "model/resnet/", timeout=10) as response:
            assert response.status == 200
            assert "ResNet-50" in response.read().decode("utf-8")
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()


def _run_on_a_terminal(args: list[str], cwd: Path) -> str:
    """Run a command with stdout and stderr on a pseudo-terminal; everything it wrote there."""
    import pty

    env = {k: v for k, v in os.environ.items() if k != "CI"}
    main, child = pty.openpty()
    proc = subprocess.Popen(args, cwd=cwd, stdin=subprocess.DEVNULL, stdout=child, stderr=child, env=env)
    os.close(child)
    chunks = []
    while True:
        try:
            data = os.read(main, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=120)
    os.close(main)
    return b"".join(chunks).decode("utf-8", "replace")


def test_kb_build_shows_its_progress_on_a_terminal_only_and_warnings_everywhere(tmp_path: Path) -> None:
    make_kb(tmp_path, git=False)
    odd = tmp_path / "fx" / "model" / "twice" / ".cm"
    odd.mkdir(parents=True)
    (odd / "meta.json").write_text('{"tags": ["a"], "tags": ["b"]}')
    (odd / "info.json").write_text("{}")
    warning = "meta.json: duplicate key 'tags'"
    shown = _run_on_a_terminal([*KB, "build"], tmp_path)
    assert "Building the portal: " in shown
    assert warning in shown
    assert "Built the portal into" in shown
    piped = subprocess.run([*KB, "build"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert piped.returncode == 0
    assert "Building the portal" not in piped.stdout + piped.stderr
    assert warning in piped.stderr
    assert piped.stdout == f"Built the portal into {tmp_path / 'site'}\n"
