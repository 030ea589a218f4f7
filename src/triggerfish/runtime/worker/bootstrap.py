"""The execution environment's main loop, run in a process forked from the zygote.

Init imports the handler's module once; then each invocation request is answered with its result
or error document. Output written to stdout/stderr (file descriptors 1 and 2) goes to the server's
log pipe; this process flushes it before answering, so every line lands in its own invocation.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
import resource
import socket
import sys
import time
from collections.abc import Callable
from typing import Any, NoReturn

from triggerfish.runtime.worker import faults, wire
from triggerfish.runtime.worker.context import REQUEST_ID_FILTER, LambdaContext, install_log_handler

Handler = Callable[[Any, LambdaContext], Any]
#: top-level packages the zygote imported ahead of time (boto3 and what it needs)
PRELOADED: set[str] = set()
_RUNTIME_FILES = (os.path.dirname(os.path.abspath(__file__)),)


def run(sock: socket.socket, spec: dict[str, Any]) -> NoReturn:
    started = time.perf_counter()
    _enter_sandbox(spec)
    try:
        handler = load_handler(spec["handler"])
        init_error = None
    except faults.Fault as fault:
        init_error = faults.error_document(fault.message, fault.error_type, fault.trace, "")
    except Exception as exc:  # module-level code raised: reported with its own class name
        # our bootstrap frames are trimmed, as the runtime trims its own (spec §1.5)
        init_error = faults.user_error_document(exc, "", _RUNTIME_FILES)
    if init_error is not None:
        _log_error(init_error)
    _flush()
    init_ms = (time.perf_counter() - started) * 1000
    sock.sendall(wire.encode({"t": "ready", "init_ms": init_ms, "error": init_error}))
    if init_error is not None:
        os._exit(0)
    reader = wire.FrameReader()
    while True:
        frame = wire.recv_frame(sock, reader)
        if frame is None:
            os._exit(0)
        meta, body = frame
        sock.sendall(_invoke(handler, meta, body))


def load_handler(name: str) -> Handler:
    """Resolve ``module.function`` (dotted packages, or ``path/to/module.function``)."""
    try:
        module_name, function_name = name.rsplit(".", 1)
    except ValueError as exc:
        raise faults.Fault(faults.MALFORMED_HANDLER_NAME, f"Bad handler '{name}': {exc}") from None
    if module_name.split(".")[0] in sys.builtin_module_names:
        raise faults.Fault(
            faults.BUILT_IN_MODULE_CONFLICT, f"Cannot use built-in module {module_name} as a handler module"
        )
    try:
        module = importlib.import_module(module_name.replace("/", "."))
    except ImportError as exc:
        raise faults.Fault(faults.IMPORT_MODULE_ERROR, f"Unable to import module '{module_name}': {exc}") from None
    except SyntaxError as exc:
        trace = [f'  File "{exc.filename}" Line {exc.lineno}\n    {exc.text}']
        raise faults.Fault(
            faults.USER_CODE_SYNTAX_ERROR, f"Syntax error in module '{module_name}': {exc}", trace
        ) from None
    try:
        handler: Handler = getattr(module, function_name)
    except AttributeError:
        raise faults.Fault(
            faults.HANDLER_NOT_FOUND, f"Handler '{function_name}' missing on module '{module_name}'"
        ) from None
    return handler


def _invoke(handler: Handler, meta: dict[str, Any], body: bytes) -> bytes:
    request_id: str = meta["id"]
    REQUEST_ID_FILTER.request_id = request_id
    trace = meta.get("trace") or ""
    if os.environ.get("_X_AMZN_TRACE_ID") != trace:
        os.environ["_X_AMZN_TRACE_ID"] = trace
    started = time.perf_counter()
    try:
        context = LambdaContext(
            request_id, meta["arn"], meta["deadline_ms"], meta.get("client_context"), meta.get("identity")
        )
        result, content_type = faults.marshal(handler(faults.unmarshal(body), context))
        outcome: dict[str, Any] = {"t": "result", "ok": True, "ct": content_type}
    except faults.Fault as fault:
        error = faults.error_document(fault.message, fault.error_type, fault.trace, request_id)
        result, outcome = _error_outcome(error)
    except Exception as exc:
        error = faults.user_error_document(exc, request_id, _RUNTIME_FILES)
        result, outcome = _error_outcome(error)
    outcome["ms"] = (time.perf_counter() - started) * 1000
    _flush()
    outcome["rss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return wire.encode(outcome, result)


def _error_outcome(error: dict[str, Any]) -> tuple[bytes, dict[str, Any]]:
    _log_error(error)
    return faults.marshal(error)[0], {"t": "result", "ok": False, "ct": "application/json"}


def _log_error(error: dict[str, Any]) -> None:
    # The runtime prints one record: "[ERROR] Type: message" then the trace, lines joined by CR.
    head = f"[ERROR] {error['errorType']}"
    if error["errorMessage"]:
        head += f": {error['errorMessage']}"
    lines = [head, "Traceback (most recent call last):"]
    for element in error["stackTrace"]:
        # leading spaces become no-break spaces so log viewers keep the indentation
        for line in element.splitlines():
            body = line.lstrip(" ")
            lines.append("\u00a0" * (len(line) - len(body)) + body)
    sys.stdout.write("\r".join(lines) + "\n")


def _enter_sandbox(spec: dict[str, Any]) -> None:
    os.environ.clear()
    os.environ.update(spec["env"])
    time.tzset()
    code_dir: str = spec["code_dir"]
    os.chdir(code_dir)
    # The code folder is read-only to the function, as /var/task is: cached bytecode written there
    # would be keyed on whole-second mtime and size, and hide an edit saved within the same second.
    sys.dont_write_bytecode = True
    sys.path.insert(0, code_dir)
    _forget_shadowed_preloads(code_dir)
    sys.argv = [""]
    sys.stdout = open(1, "w", buffering=1, encoding="utf-8", errors="backslashreplace", closefd=False)  # noqa: SIM115
    sys.stderr = open(2, "w", buffering=1, encoding="utf-8", errors="backslashreplace", closefd=False)  # noqa: SIM115
    install_log_handler()
    logging.captureWarnings(False)


def _forget_shadowed_preloads(code_dir: str) -> None:
    """The function's own copy of a preloaded package (a vendored boto3) must win, as it would on
    Lambda where the code directory comes first on ``sys.path``: drop the preloaded modules."""
    shadowed = any(
        os.path.isdir(os.path.join(code_dir, name)) or os.path.isfile(os.path.join(code_dir, name + ".py"))
        for name in PRELOADED
    )
    if shadowed:
        for module in [m for m in sys.modules if m.partition(".")[0] in PRELOADED]:
            del sys.modules[module]


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
