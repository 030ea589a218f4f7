"""One execution environment, seen from the server: a forked worker process."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import time
from enum import Enum
from typing import Any, cast

import orjson

from triggerfish.core.ids import hex_id
from triggerfish.runtime import logs
from triggerfish.runtime.spec import EnvironmentResult, EnvironmentSpec, InvokeRequest, Outcome
from triggerfish.runtime.worker import wire
from triggerfish.runtime.zygote import Zygote

# How long to wait, after a worker's socket closes, for the zygote to report its exit status.
_EXIT_STATUS_GRACE = 2.0
_SIGNAL_NAMES = {
    signal.SIGKILL: "killed",
    signal.SIGSEGV: "segmentation fault",
    signal.SIGABRT: "aborted",
    signal.SIGTERM: "terminated",
    signal.SIGBUS: "bus error",
    signal.SIGFPE: "floating point exception",
    signal.SIGILL: "illegal instruction",
    signal.SIGINT: "interrupt",
}


_TIMED_OUT: tuple[dict[str, Any], bytes] = ({}, b"")
INIT_LIMIT = 10.0


def _expire(waiter: asyncio.Future[tuple[dict[str, Any], bytes] | None]) -> None:
    if not waiter.done():
        waiter.set_result(_TIMED_OUT)


def _encode(meta: dict[str, Any], body: bytes) -> bytes:
    meta_bytes = orjson.dumps(meta)
    return wire.HEADER.pack(len(meta_bytes), len(body)) + meta_bytes + body


class State(Enum):
    STARTING = "starting"
    IDLE = "idle"
    BUSY = "busy"
    DEAD = "dead"


class _Channel(asyncio.Protocol):
    """Frames from the worker, handed to whoever waits for the next one."""

    def __init__(self) -> None:
        self.reader = wire.FrameReader(orjson.loads)
        self.waiter: asyncio.Future[tuple[dict[str, Any], bytes] | None] | None = None
        self.closed = False
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        for frame in self.reader.feed(data):
            if self.waiter is not None and not self.waiter.done():
                self.waiter.set_result(frame)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(None)

    def next_frame(self) -> asyncio.Future[tuple[dict[str, Any], bytes] | None]:
        self.waiter = asyncio.get_running_loop().create_future()
        if self.closed:
            self.waiter.set_result(None)
        return self.waiter


class ExecutionEnvironment:
    """Runs one invocation at a time; after a timeout or crash it is dead and must be replaced."""

    def __init__(self, spec: EnvironmentSpec, zygote: Zygote, sink: logs.LogSink) -> None:
        self.spec = spec
        self.state = State.STARTING
        self.log_stream = logs.stream_name(spec.version, hex_id(32))
        self.last_used = 0.0
        self.invocations = 0
        self._zygote = zygote
        self._sink = sink
        self._sink_enabled = not isinstance(sink, logs.NullSink)
        self._last_memory_mb = 1
        self._pid = 0
        self._channel = _Channel()
        self._log_fd = -1
        self._log_buffer = bytearray()
        self._init_ms: float | None = None
        self._init_error: bytes | None = None
        self._init_timed_out = False

    @property
    def pid(self) -> int:
        return self._pid

    async def start(self) -> None:
        """Fork the worker and run init (import the handler's module)."""
        loop = asyncio.get_running_loop()
        started = time.perf_counter()
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        log_r, log_w = os.pipe()
        env = dict(self.spec.env)
        env["AWS_LAMBDA_LOG_STREAM_NAME"] = self.log_stream
        env.setdefault("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand")
        spec = {"handler": self.spec.handler, "code_dir": self.spec.code_dir, "env": env}
        try:
            self._pid = await self._zygote.spawn(spec, theirs.fileno(), log_w)
        except BaseException:
            # nothing owns our ends yet: a failed spawn would otherwise leak them
            ours.close()
            os.close(log_r)
            raise
        finally:
            theirs.close()
            os.close(log_w)
        os.set_blocking(log_r, False)
        self._log_fd = log_r
        loop.add_reader(log_r, self._read_log)
        # Wait for the ready frame before attaching: a worker that is quick to init may send it
        # before connect_accepted_socket returns, and a frame with nobody waiting is dropped.
        ready = self._channel.next_frame()
        await loop.connect_accepted_socket(lambda: self._channel, ours)
        # Init may take 10 s on demand and is then retried under the function's timeout (spec §8);
        # one attempt bounded by the longer of the two stands in for both.
        timer = loop.call_later(max(INIT_LIMIT, self.spec.timeout), _expire, ready)
        frame = await ready
        timer.cancel()
        self._init_ms = (time.perf_counter() - started) * 1000
        if frame is _TIMED_OUT:
            self._init_timed_out = True
        elif frame is None:
            self._init_error = b""
        elif frame[0].get("error") is not None:
            # re-encoded as the Python runtime writes its JSON (", " and ": " separators)
            self._init_error = json.dumps(frame[0]["error"]).encode()
        if self._init_error is None:
            self.state = State.IDLE

    async def invoke(self, request: InvokeRequest) -> EnvironmentResult:
        cold = self.invocations == 0
        self.invocations += 1
        self.state = State.BUSY
        init_ms = self._init_ms if cold else None
        rid = request.request_id
        # output written during init belongs before the first START line
        init_output = self._drain_log() if cold else ""
        if self._init_timed_out:
            result = await self._timed_out(request, time.perf_counter(), cold, init_ms)
        elif self._init_error is not None:
            result = await self._init_failure(request, init_ms)
        else:
            result = await self._run(request, cold, init_ms)
        log = "".join(
            (
                init_output,
                logs.start_line(rid, self.spec.version),
                result.log,
                logs.end_line(rid),
                self._report(rid, result),
            )
        )
        if self._sink_enabled:
            self._sink.emit(
                logs.LogEvent(
                    self.spec.function_name,
                    self.spec.log_group,
                    self.log_stream,
                    time.time(),
                    log,
                    self.spec.env.get("AWS_REGION", logs.LogEvent.region),
                )
            )
        if self.state is State.BUSY:
            self.state = State.IDLE
        result.log = log
        result.log_stream = self.log_stream
        return result

    async def _run(self, request: InvokeRequest, cold: bool, init_ms: float | None) -> EnvironmentResult:
        timeout = self.spec.timeout
        meta: dict[str, Any] = {
            "id": request.request_id,
            "arn": request.invoked_function_arn,
            "deadline_ms": int((time.time() + timeout) * 1000),
        }
        if request.client_context is not None:
            meta["client_context"] = request.client_context
        if request.identity is not None:
            meta["identity"] = request.identity
        if request.trace_id:
            meta["trace"] = request.trace_id
        assert self._channel.transport is not None
        started = time.perf_counter()
        waiter = self._channel.next_frame()
        self._channel.transport.write(_encode(meta, request.payload))
        timer = asyncio.get_running_loop().call_later(timeout, _expire, waiter)
        frame = await waiter
        timer.cancel()
        if frame is _TIMED_OUT:
            return await self._timed_out(request, started, cold, init_ms)
        if frame is None:
            return await self._crashed(request, started, cold, init_ms)
        meta_out, body = frame
        output = self._drain_log()
        duration = float(meta_out.get("ms", (time.perf_counter() - started) * 1000))
        outcome = Outcome.SUCCESS if meta_out["ok"] else Outcome.ERROR
        return EnvironmentResult(
            outcome=outcome,
            payload=body,
            content_type=meta_out.get("ct", "application/json"),
            duration_ms=duration,
            max_memory_mb=self._remember_memory(int(meta_out.get("rss_kb", 0))),
            log=output,
            cold=cold,
            init_ms=init_ms,
            error_type=None if outcome is Outcome.SUCCESS else _error_type(body),
        )

    async def _timed_out(
        self, request: InvokeRequest, started: float, cold: bool, init_ms: float | None
    ) -> EnvironmentResult:
        memory = self._memory_estimate()
        self.kill()
        output = self._drain_log() + logs.timeout_line(request.request_id, self.spec.timeout)
        message = f"RequestId: {request.request_id} Error: Task timed out after {self.spec.timeout:.2f} seconds"
        # Current runtimes report timeouts as Sandbox.Timedout (spec §1.5).
        body = orjson.dumps({"errorType": "Sandbox.Timedout", "errorMessage": message})
        return EnvironmentResult(
            Outcome.TIMEOUT,
            body,
            "application/json",
            (time.perf_counter() - started) * 1000,
            memory,
            output,
            cold,
            init_ms,
            "Sandbox.Timedout",
        )

    async def _crashed(
        self, request: InvokeRequest, started: float, cold: bool, init_ms: float | None
    ) -> EnvironmentResult:
        duration = (time.perf_counter() - started) * 1000
        reason = await self._exit_reason()
        self._close()
        output = self._drain_log()
        message = f"RequestId: {request.request_id} Error: {reason}"
        body = orjson.dumps({"errorType": "Runtime.ExitError", "errorMessage": message})
        output += f"{message}\nRuntime.ExitError\n"
        return EnvironmentResult(
            Outcome.CRASH,
            body,
            "application/json",
            duration,
            self._memory_estimate(),
            output,
            cold,
            init_ms,
            "Runtime.ExitError",
        )

    async def _init_failure(self, request: InvokeRequest, init_ms: float | None) -> EnvironmentResult:
        """Init failed: the invocation fails with the init error and the environment is discarded."""
        await asyncio.sleep(0)
        output = self._drain_log()
        if self._init_error:
            body = self._init_error
            error_type = _error_type(body)
        else:
            reason = await self._exit_reason()
            message = f"RequestId: {request.request_id} Error: {reason}"
            body = orjson.dumps({"errorType": "Runtime.ExitError", "errorMessage": message})
            error_type = "Runtime.ExitError"
        self.kill()
        return EnvironmentResult(
            Outcome.ERROR,
            body,
            "application/json",
            0.0,
            self._memory_estimate(),
            output,
            True,
            init_ms,
            error_type,
        )

    async def _exit_reason(self) -> str:
        try:
            status = await asyncio.wait_for(asyncio.shield(self._zygote.exit_status(self._pid)), _EXIT_STATUS_GRACE)
        except TimeoutError:
            return "Runtime exited without providing a reason"
        kind, _, value = status.partition(":")
        number = int(value)
        if kind == "signal":
            try:
                name = _SIGNAL_NAMES.get(signal.Signals(number), f"signal {number}")
            except ValueError:
                name = f"signal {number}"
            return f"Runtime exited with error: signal: {name}"
        if number == 0:
            return "Runtime exited without providing a reason"
        return f"Runtime exited with error: exit status {number}"

    def _report(self, request_id: str, result: EnvironmentResult) -> str:
        status = {Outcome.TIMEOUT: "timeout", Outcome.CRASH: "error"}.get(result.outcome)
        return logs.report_line(
            request_id,
            result.duration_ms,
            self.spec.memory_mb,
            result.max_memory_mb,
            result.init_ms,
            status,
            result.error_type if result.outcome is Outcome.CRASH else None,
        )

    def _read_log(self) -> bool:
        """Move what the log pipe holds into the buffer; ``False`` once nothing more is there."""
        try:
            chunk = os.read(self._log_fd, 1 << 16)
        except BlockingIOError:
            return False
        except OSError:
            chunk = b""
        if not chunk:
            self._stop_log_reader()
            return False
        self._log_buffer += chunk
        return True

    def _drain_log(self) -> str:
        while self._log_fd >= 0 and self._read_log():
            pass
        if not self._log_buffer:
            return ""
        text = self._log_buffer.decode("utf-8", "replace")
        self._log_buffer.clear()
        return text

    def _remember_memory(self, rss_kb: int) -> int:
        self._last_memory_mb = max(1, rss_kb // 1024)
        return self._last_memory_mb

    def _memory_estimate(self) -> int:
        """Peak memory of a worker that can no longer report it: read it while it is still there."""
        try:
            with open(f"/proc/{self._pid}/status") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        return self._remember_memory(int(line.split()[1]))
        except OSError:
            pass
        return self._last_memory_mb

    def kill(self) -> None:
        if self.state is State.DEAD:
            return
        if self._pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
        self._close()

    def _close(self) -> None:
        self.state = State.DEAD
        if self._channel.transport is not None:
            self._channel.transport.close()
        self._drain_log()
        self._stop_log_reader()
        if self._pid:
            self._zygote.forget(self._pid)

    def _stop_log_reader(self) -> None:
        if self._log_fd >= 0:
            with contextlib.suppress(Exception):
                asyncio.get_running_loop().remove_reader(self._log_fd)
            os.close(self._log_fd)
            self._log_fd = -1


def _error_type(body: bytes) -> str | None:
    try:
        value = orjson.loads(body)
    except ValueError:
        return None
    error_type = value.get("errorType") if isinstance(value, dict) else None
    return error_type if isinstance(error_type, str) else None
