"""The endpoint's ASGI application and the HTTP server that runs it on one port."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from typing import Any, Protocol

import orjson
import uvicorn

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

log = logging.getLogger(__name__)

#: where triggerfish's own HTTP API lives on the endpoint's port, beside the AWS services
INTERNAL_PREFIX = "/_triggerfish/"


class FrontApp(Protocol):
    """An application sharing the endpoint's port that recognises its own requests (the HTTP gateway
    answers ``<api-id>.execute-api.localhost`` hosts and its path forms)."""

    def claims(self, scope: Scope) -> bool: ...

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None: ...


class EndpointApp:
    """Routes ``/_triggerfish/*`` to triggerfish's own API, what the front app claims to it, and everything
    else to the AWS layer. Health is answered here; the rest of ``/_triggerfish/`` goes to ``internal``."""

    def __init__(
        self, aws: ASGIApp | None = None, front: FrontApp | None = None, internal: ASGIApp | None = None
    ) -> None:
        self.ready = False
        self._aws = aws
        self.front = front
        self._internal = internal

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        path: str = scope["path"]
        if path == "/_triggerfish/health":
            status = 200 if self.ready else 503
            await _json(send, status, {"status": "ready" if self.ready else "starting"})
            return
        if path.startswith(INTERNAL_PREFIX):
            if self._internal is not None:
                await self._internal(scope, receive, send)
            else:
                await _json(send, 404, {"error": "NotFound", "message": f"No internal route answers {path}."})
            return
        if self.front is not None and self.front.claims(scope):
            await self.front(scope, receive, send)
            return
        if self._aws is not None:
            await self._aws(scope, receive, send)
            return
        await _json(
            send,
            501,
            {"__type": "NotImplemented", "message": f"No AWS service answers {scope['method']} {path} yet."},
        )


async def _json(send: Send, status: int, body: object) -> None:
    data = orjson.dumps(body)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": data})


class _Server(uvicorn.Server):
    """uvicorn without its signal handlers: the application that embeds it owns the signals."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class HttpServer:
    """uvicorn on our own event loop; ``port=0`` picks a free port."""

    def __init__(self, app: ASGIApp, host: str, port: int) -> None:
        config = uvicorn.Config(
            app,
            host=host,
            port=port,
            lifespan="off",
            log_level="warning",
            access_log=False,
            loop="none",
            http="httptools",
            ws="none",
            timeout_graceful_shutdown=2,
        )
        self._server = _Server(config)
        self._task: asyncio.Task[None] | None = None
        self.host = host
        self.port = port

    async def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._serve())
        while not self._server.started:
            if self._task.done():
                self._task.result()
                raise OSError(f"could not listen on {self.host}:{self.port}")
            await asyncio.sleep(0.005)
        sockets = [s for server in self._server.servers for s in server.sockets]
        if sockets:
            self.port = sockets[0].getsockname()[1]

    async def _serve(self) -> None:
        try:
            await self._server.serve()
        except SystemExit:
            # uvicorn exits the process when it cannot bind; a task must not, so the caller gets an OSError
            raise OSError(f"could not listen on {self.host}:{self.port} (is the port in use?)") from None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    async def stop(self) -> None:
        self._server.should_exit = True
        if self._task is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._task, 5)
