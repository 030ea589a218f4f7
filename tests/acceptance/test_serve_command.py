"""``triggerfish serve``: readiness, the address it binds, and a clean exit on Ctrl-C."""

from __future__ import annotations

import json
import queue
import signal
import subprocess
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from up_process import free_port

READY_LINE = "triggerfish is ready"

pytestmark = pytest.mark.slow  # each test starts the command in a new process


class _Server:
    def __init__(self, command: list[str], env: dict[str, str], data_dir: Path) -> None:
        self.port = free_port()
        self.data_dir = data_dir
        self.process = subprocess.Popen(
            [*command, "serve", "--port", str(self.port), "--data-dir", str(data_dir)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.stderr: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.stderr.append(line)
            self.lines.put(line)
        self.lines.put(None)

    def wait_ready(self, timeout: float = 60.0) -> str:
        while True:
            line = self.lines.get(timeout=timeout)
            assert line is not None, f"serve exited early: {''.join(self.stderr)}"
            if line.startswith(READY_LINE):
                return line

    def get(self, path: str) -> tuple[int, object]:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=30) as response:
            return response.status, json.loads(response.read())

    def interrupt(self, timeout: float = 30.0) -> int:
        self.process.send_signal(signal.SIGINT)
        code = self.process.wait(timeout)
        self._reader.join(timeout)
        return code

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


@pytest.fixture
def server(triggerfish_command: list[str], command_environment: dict[str, str], tmp_path: Path) -> Iterator[_Server]:
    running = _Server(triggerfish_command, command_environment, tmp_path / "data")
    try:
        yield running
    finally:
        running.close()


def _listening_addresses(port: int) -> list[str]:
    """Local addresses of TCP sockets listening on ``port``, from the kernel's tables (Linux)."""
    addresses = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except FileNotFoundError:
            continue
        for line in lines:
            fields = line.split()
            local, state = fields[1], fields[3]
            address, _, hex_port = local.rpartition(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                addresses.append(address)
    return addresses


def test_health_answers_ready_and_ctrl_c_exits_cleanly(server: _Server) -> None:
    ready = server.wait_ready()
    assert f"http://127.0.0.1:{server.port}" in ready
    assert server.get("/_triggerfish/health") == (200, {"status": "ready"})
    assert (server.data_dir / "triggerfish.db").exists()
    assert server.interrupt() == 0
    assert "Traceback" not in "".join(server.stderr)


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads the Linux kernel's socket tables")
def test_binds_only_the_loopback_address_by_default(server: _Server) -> None:
    server.wait_ready()
    # 0100007F is 127.0.0.1 as the kernel prints it; no wildcard or IPv6 listener
    assert _listening_addresses(server.port) == ["0100007F"]
    assert server.interrupt() == 0


def test_restarts_on_an_existing_data_dir(
    triggerfish_command: list[str], command_environment: dict[str, str], tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    for _ in range(2):
        server = _Server(triggerfish_command, command_environment, data_dir)
        try:
            server.wait_ready()
            assert server.get("/_triggerfish/health") == (200, {"status": "ready"})
            assert server.interrupt() == 0
        finally:
            server.close()
