"""Server side of a zygote: start it, ask it to fork environments, learn how they exit."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import triggerfish
from triggerfish.runtime.sdk import sdk_path

_SOURCE_ROOT = str(Path(triggerfish.__file__).resolve().parent.parent)
DEFAULT_PRELOAD = "boto3"


class ZygoteError(Exception):
    pass


class Zygote:
    """One warm interpreter (per Python version) that forks execution environments."""

    def __init__(self, interpreter: str, *, preload: str = DEFAULT_PRELOAD) -> None:
        self.interpreter = interpreter
        self._preload = preload
        self._control: socket.socket | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._ids = itertools.count(1)
        self._hello: asyncio.Future[dict[str, Any]] | None = None
        self._spawns: dict[int, asyncio.Future[int]] = {}
        self._exits: dict[int, asyncio.Future[str]] = {}
        self._lock = asyncio.Lock()

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        env = dict(os.environ)
        env["TRIGGERFISH_PRELOAD"] = self._preload
        if self.interpreter != sys.executable:
            # another interpreter finds our worker package through PYTHONPATH, then forgets it
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [_SOURCE_ROOT, env.get("PYTHONPATH", "")]))
            env["TRIGGERFISH_PYTHONPATH"] = _SOURCE_ROOT
            env["TRIGGERFISH_SDK_PATH"] = sdk_path()
        self._process = subprocess.Popen(
            [self.interpreter, "-m", "triggerfish.runtime.worker.zygote", str(theirs.fileno())],
            pass_fds=[theirs.fileno()],
            env=env,
            stdin=subprocess.DEVNULL,
        )
        theirs.close()
        ours.setblocking(False)
        self._control = ours
        self._hello = loop.create_future()
        loop.add_reader(ours.fileno(), self._on_readable)
        try:
            await asyncio.wait_for(self._hello, 60)
        except TimeoutError:
            raise ZygoteError(f"{self.interpreter} did not start its zygote") from None

    @property
    def alive(self) -> bool:
        return self._process is not None and self._process.poll() is None and self._control is not None

    async def spawn(self, spec: dict[str, Any], worker_fd: int, log_fd: int) -> int:
        """Fork an environment that talks on ``worker_fd`` and logs to ``log_fd``; returns its pid."""
        if not self.alive or self._control is None:
            raise ZygoteError("the zygote is not running")
        loop = asyncio.get_running_loop()
        request_id = next(self._ids)
        future: asyncio.Future[int] = loop.create_future()
        self._spawns[request_id] = future
        data = json.dumps({"id": request_id, "spec": spec}).encode()
        try:
            async with self._lock:
                await self._send(data, [worker_fd, log_fd])
        except BaseException:
            self._spawns.pop(request_id, None)
            raise
        pid = await future
        self._exits.setdefault(pid, loop.create_future())
        return pid

    async def _send(self, data: bytes, fds: list[int]) -> None:
        """Send one request; under a burst of spawns the socket buffer fills, so wait until it drains."""
        loop = asyncio.get_running_loop()
        while True:
            if self._control is None:
                raise ZygoteError("the zygote is not running")
            try:
                socket.send_fds(self._control, [data], fds)
                return
            except BlockingIOError:
                writable: asyncio.Future[None] = loop.create_future()
                fileno = self._control.fileno()
                loop.add_writer(fileno, _resolve, writable)
                try:
                    await writable
                finally:
                    loop.remove_writer(fileno)

    def exit_status(self, pid: int) -> asyncio.Future[str]:
        """Resolves to ``"code:N"`` or ``"signal:N"`` when the environment ``pid`` exits."""
        return self._exits.setdefault(pid, asyncio.get_running_loop().create_future())

    def forget(self, pid: int) -> None:
        self._exits.pop(pid, None)

    def _on_readable(self) -> None:
        assert self._control is not None
        while True:
            try:
                data = self._control.recv(65536)
            except BlockingIOError:
                return
            except OSError:
                data = b""
            if not data:
                self._on_lost()
                return
            self._dispatch(json.loads(data))

    def _dispatch(self, message: dict[str, Any]) -> None:
        kind = message["t"]
        if kind == "hello" and self._hello and not self._hello.done():
            self._hello.set_result(message)
        elif kind == "spawned":
            future = self._spawns.pop(message["id"], None)
            if future and not future.done():
                future.set_result(message["pid"])
        elif kind == "exit":
            status = f"signal:{message['signal']}" if "signal" in message else f"code:{message['code']}"
            exit_future = self.exit_status(message["pid"])
            if not exit_future.done():
                exit_future.set_result(status)

    def _on_lost(self) -> None:
        if self._control is not None:
            with contextlib.suppress(Exception):
                asyncio.get_running_loop().remove_reader(self._control.fileno())
            self._control.close()
            self._control = None
        futures: list[asyncio.Future[Any]] = [*self._spawns.values(), *([self._hello] if self._hello else [])]
        for future in futures:
            if not future.done():
                future.set_exception(ZygoteError("the zygote exited"))
        self._spawns.clear()

    async def close(self) -> None:
        if self._control is not None:
            with contextlib.suppress(Exception):
                asyncio.get_running_loop().remove_reader(self._control.fileno())
            self._control.close()
            self._control = None
        if self._process is not None:
            with contextlib.suppress(ProcessLookupError):
                self._process.kill()
            await asyncio.get_running_loop().run_in_executor(None, self._process.wait)
            self._process = None


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)
