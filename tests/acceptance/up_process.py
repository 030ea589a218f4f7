"""Runs ``triggerfish up`` in a subprocess and follows its output, as a user at a terminal would."""

from __future__ import annotations

import queue
import re
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

READY = re.compile(r"^ready in ")
ENDPOINT = re.compile(r"AWS endpoint\s+(http://\S+)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class UpProcess:
    def __init__(self, command: list[str], env: dict[str, str], app: Path, *extra: str) -> None:
        self.port = free_port()
        self.smtp_port = free_port()
        self.process = subprocess.Popen(
            [*command, "up", str(app), "--port", str(self.port), "--smtp-port", str(self.smtp_port), *extra],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**env, "NO_COLOR": "1"},
        )
        self.output: list[str] = []
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.endpoint = ""

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.output.append(line)
            self._lines.put(line)
        self._lines.put(None)

    @property
    def text(self) -> str:
        return "".join(self.output)

    def wait_for(self, pattern: str | re.Pattern[str], timeout: float = 60.0) -> re.Match[str]:
        """The first line from now on that matches ``pattern``."""
        compiled = re.compile(pattern) if isinstance(pattern, str) else pattern
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"no line matching {compiled.pattern!r} in:\n{self.text}"
            try:
                line = self._lines.get(timeout=remaining)
            except queue.Empty:
                continue
            assert line is not None, f"up exited ({self.process.poll()}) before {compiled.pattern!r}:\n{self.text}"
            if match := compiled.search(line):
                return match

    def wait_seen(self, pattern: str, timeout: float = 60.0) -> re.Match[str]:
        """A line matching ``pattern`` anywhere in the output, printed already or to come: for lines
        that race with others (two functions triggered by one invocation)."""
        compiled = re.compile(pattern, re.MULTILINE)
        deadline = time.monotonic() + timeout
        while not (match := compiled.search(self.text)):
            assert time.monotonic() < deadline, f"no line matching {compiled.pattern!r} in:\n{self.text}"
            time.sleep(0.05)
        return match

    def wait_ready(self, timeout: float = 60.0) -> str:
        self.wait_for(READY, timeout)
        match = ENDPOINT.search(self.text)
        assert match, self.text
        self.endpoint = match.group(1)
        return self.text

    def client(self, service: str = "lambda", region: str = "us-east-1") -> Any:
        return boto3.client(
            service,
            endpoint_url=self.endpoint,
            region_name=region,
            aws_access_key_id="test",
            aws_secret_access_key="test",
            config=Config(retries={"max_attempts": 0}, read_timeout=60),
        )

    def interrupt(self, timeout: float = 30.0) -> int:
        self.process.send_signal(signal.SIGINT)
        code = self.process.wait(timeout)
        self._reader.join(timeout)
        return code

    def wait_exit(self, timeout: float = 60.0) -> int:
        code = self.process.wait(timeout)
        self._reader.join(timeout)
        return code

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
