"""The zygote: a warm interpreter that forks execution environments on request.

Started once per interpreter by the server with one end of a SOCK_SEQPACKET socket pair. Each
request carries, as passed file descriptors, the new environment's invocation socket and the write
end of its log pipe. The zygote answers with the child's pid and reports every child's exit status.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib
import json
import os
import select
import signal
import socket
import sys
from typing import Any

from triggerfish.runtime.worker import bootstrap

_PR_SET_PDEATHSIG = 1


def main(argv: list[str]) -> None:
    control = socket.socket(fileno=int(argv[1]))
    os.setsid()  # the terminal's Ctrl-C must reach the server only, not running handlers
    _die_with_parent()
    _provide_sdk(os.environ.pop("TRIGGERFISH_SDK_PATH", ""))
    _preload(os.environ.pop("TRIGGERFISH_PRELOAD", ""))
    _forget_own_path(os.environ.pop("TRIGGERFISH_PYTHONPATH", ""))
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    _send(control, {"t": "hello", "pid": os.getpid(), "version": f"{sys.version_info[0]}.{sys.version_info[1]}"})
    while True:
        readable, _, _ = select.select([control.fileno(), wake_r], [], [])
        if wake_r in readable:
            os.read(wake_r, 4096)
            _reap(control)
        if control.fileno() in readable:
            try:
                data, fds, _, _ = socket.recv_fds(control, 1 << 20, 2)
            except OSError:
                data, fds = b"", []  # the pool went away mid-message: as good as closed
            if not data:
                os._exit(0)
            request = json.loads(data)
            pid = os.fork()
            if pid == 0:
                _become_environment(control, (wake_r, wake_w), fds, request["spec"])
            for fd in fds:
                os.close(fd)
            _send(control, {"t": "spawned", "id": request["id"], "pid": pid})


def _become_environment(control: socket.socket, wake: tuple[int, int], fds: list[int], spec: dict[str, Any]) -> None:
    code = 1
    try:
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        control.close()
        for fd in wake:
            os.close(fd)
        _die_with_parent()
        worker_fd, log_fd = fds
        os.dup2(log_fd, 1)
        os.dup2(log_fd, 2)
        os.close(log_fd)
        bootstrap.run(socket.socket(fileno=worker_fd), spec)
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def _reap(control: socket.socket) -> None:
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        if os.WIFSIGNALED(status):
            _send(control, {"t": "exit", "pid": pid, "signal": os.WTERMSIG(status)})
        else:
            _send(control, {"t": "exit", "pid": pid, "code": os.waitstatus_to_exitcode(status)})


def _send(control: socket.socket, message: dict[str, Any]) -> None:
    try:
        control.send(json.dumps(message).encode())
    except OSError:
        os._exit(0)  # the server is gone


_LIBC: ctypes.CDLL | None = None


def _die_with_parent() -> None:
    """Ask the kernel to kill this process when its parent dies (Linux); elsewhere a no-op."""
    global _LIBC
    parent = os.getppid()
    with contextlib.suppress(Exception):
        _LIBC = _LIBC or ctypes.CDLL(None, use_errno=True)  # loaded once, in the zygote
        _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(0)


def _preload(names: str) -> None:
    before = set(sys.modules)
    for name in filter(None, names.split(",")):
        with contextlib.suppress(Exception):
            importlib.import_module(name)
    bootstrap.PRELOADED.update({name.partition(".")[0] for name in set(sys.modules) - before})


def _provide_sdk(path: str) -> None:
    # last on sys.path: the function's own copy or the interpreter's installed one wins
    if path and path not in sys.path:
        sys.path.append(path)


def _forget_own_path(path: str) -> None:
    for entry in filter(None, path.split(os.pathsep)):
        while entry in sys.path:
            sys.path.remove(entry)


if __name__ == "__main__":
    main(sys.argv)
