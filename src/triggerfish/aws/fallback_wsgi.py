"""One request through a synchronous WSGI application, as the fallback hands it to moto's server.

The environ is what a WSGI server (PEP 3333) would build for the same HTTP request: the path
percent-decoded and carried as latin-1 text, headers as ``HTTP_*`` keys, the body already read in
full. The answer is collected whole: status, headers in order, body bytes.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_to_bytes

from triggerfish.aws.protocol import HttpRequest

Environ = dict[str, Any]
StartResponse = Callable[..., Callable[[bytes], object]]
WsgiApp = Callable[[Environ, StartResponse], Iterable[bytes]]


@dataclass(frozen=True, slots=True)
class WsgiAnswer:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


def wsgi_environ(request: HttpRequest, body: bytes, *, extra_headers: Mapping[str, str] | None = None) -> Environ:
    """The WSGI environ of ``request`` whose body is ``body``; ``extra_headers`` replace any the client sent."""
    host = request.headers.get("host", "localhost")
    name, _, port = host.rpartition(":") if _has_port(host) else (host, "", "80")
    raw_uri = f"{request.path}?{request.query_string}" if request.query_string else request.path
    environ: Environ = {
        "REQUEST_METHOD": request.method,
        "SCRIPT_NAME": "",
        # PEP 3333: PATH_INFO is the decoded path, its bytes carried as latin-1 text
        "PATH_INFO": unquote_to_bytes(request.path).decode("latin-1"),
        "QUERY_STRING": request.query_string,
        "RAW_URI": raw_uri,
        "REQUEST_URI": raw_uri,
        "SERVER_NAME": name or "localhost",
        "SERVER_PORT": port or "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    replaced = {key.lower() for key in extra_headers or {}}
    pairs = [(k, v) for k, v in request.headers.items() if k.lower() not in replaced]
    for header, value in [*pairs, *(extra_headers or {}).items()]:
        if "_" in header:
            continue  # as WSGI servers do: X_Foo would be indistinguishable from X-Foo
        key = header.upper().replace("-", "_")
        if key == "CONTENT_LENGTH":
            continue  # the body's own length, set above
        environ[key if key == "CONTENT_TYPE" else f"HTTP_{key}"] = value
    return environ


def _has_port(host: str) -> bool:
    return ":" in host and not host.endswith("]")


def call_wsgi(app: WsgiApp, environ: Environ) -> WsgiAnswer:
    """Run ``app`` on ``environ`` and collect its whole answer."""
    started: list[tuple[str, list[tuple[str, str]]]] = []
    written: list[bytes] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], object]:
        if exc_info is not None and started:
            raise exc_info[1].with_traceback(exc_info[2])
        started[:] = [(status, headers)]
        return written.append

    result = app(environ, start_response)
    try:
        written.extend(result)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    if not started:
        raise RuntimeError("the WSGI application answered without starting a response")
    status, headers = started[0]
    return WsgiAnswer(int(status.split(" ", 1)[0]), tuple(headers), b"".join(written))
