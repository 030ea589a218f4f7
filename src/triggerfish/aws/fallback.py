"""Every AWS service triggerfish does not implement, answered by moto's backends in this process.

The AWS endpoint hands a :class:`Fallback` each request that routing found no provider for. The moto
fallback runs moto's server-mode dispatcher (the WSGI application ``moto server`` serves) in-process:
the request becomes a WSGI environ, moto answers it, and its status, headers and body go back to the
client with triggerfish's own request id. botocore is never patched, so triggerfish's own clients and
a test suite's are untouched.

- moto is synchronous and its backends are process-global and not thread-safe: every call into moto
  (its import, each request, the reset) runs on one worker thread shared by every fallback in the
  process, never on the event loop. moto is imported on the first request, because it is slow to import.
- moto answers as account ``000000000000`` (triggerfish's, whatever access key signed the request),
  through its per-request account header; a ``MOTO_ACCOUNT_ID`` set in the environment overrides it.
- The region is the one moto reads from the request (the credential scope).
- State lives in memory for the server's lifetime; it is not in triggerfish's store and a restart
  forgets it. Closing the last open fallback of a process resets moto's backends, so the next cloud
  started in the same process starts clean (a fallback dropped without ``close()`` stops counting as
  open when it is garbage-collected).
"""

from __future__ import annotations

import asyncio
import importlib.util
import logging
import threading
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from triggerfish.aws.fallback_wsgi import WsgiAnswer, WsgiApp, call_wsgi, wsgi_environ
from triggerfish.aws.protocol import BodyTooLarge, Headers, HttpRequest, HttpResponse, read_body
from triggerfish.aws.routing import UnsupportedService, not_implemented, service_error
from triggerfish.core.ids import DEFAULT_ACCOUNT

if TYPE_CHECKING:
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

log = logging.getLogger(__name__)

T = TypeVar("T")

#: completes the 501's sentence when no fallback can answer a service we do not implement
INSTALL_HINT = "install 'triggerfish[moto]' to have it answered by moto's in-process backends"
#: the largest request body handed to moto (read into memory whole)
BODY_LIMIT = 64 * 1_048_576
#: the modules moto's server mode needs (the ``moto[server]`` extra)
_MODULES = ("moto", "flask", "flask_cors", "werkzeug")
#: answer headers the HTTP server writes itself, or that describe moto's connection rather than ours
_DROPPED = frozenset({"server", "date", "connection", "keep-alive", "transfer-encoding"})
_REQUEST_ID = "x-amzn-RequestId"
_TEXT_TYPES = ("xml", "json")


class Fallback(Protocol):
    """Answers requests for the services no provider serves."""

    @property
    def body_limit(self) -> int: ...

    async def handle(self, request: HttpRequest, unsupported: UnsupportedService, rid: str) -> HttpResponse: ...

    async def close(self) -> None: ...


def moto_available() -> bool:
    """Whether moto and its server-mode dependencies are installed (without importing them)."""
    return all(importlib.util.find_spec(name) is not None for name in _MODULES)


def unavailable_hint(available: bool | None = None) -> str | None:
    """What the 501 for an unserved service adds when no fallback is set: how to install one, when
    moto is missing (``available`` overrides the check); nothing when moto is there but left off."""
    installed = moto_available() if available is None else available
    return None if installed else INSTALL_HINT


def default_fallback() -> Fallback | None:
    """The moto fallback when moto is installed, else None."""
    return MotoFallback() if moto_available() else None


class MotoFallback:
    """Answers with moto's in-process backends; see the module's docstring for state and threading."""

    def __init__(self, *, account: str = DEFAULT_ACCOUNT, body_limit: int = BODY_LIMIT) -> None:
        self._account = account
        self._limit = body_limit
        self._closed = False
        _WORKER.attach()
        # a fallback dropped without close() stops counting as open once it is collected
        self._detach = weakref.finalize(self, _WORKER.detach)

    @property
    def body_limit(self) -> int:
        return self._limit

    async def handle(self, request: HttpRequest, unsupported: UnsupportedService, rid: str) -> HttpResponse:
        if self._closed:
            raise RuntimeError("the moto fallback is closed")
        try:
            request = await read_body(request, limit=self._limit)
            assert isinstance(request.body, bytes)
            if len(request.body) > self._limit:
                raise BodyTooLarge(self._limit)
        except BodyTooLarge:
            message = f"Request must be smaller than {self._limit} bytes to be answered by the moto fallback"
            return service_error(unsupported.service, "RequestEntityTooLarge", message, rid, status=413)
        # moto's per-request account (its "x-moto-account-id" header), so the access key never decides it
        environ = wsgi_environ(request, request.body, extra_headers={"x-moto-account-id": self._account})
        try:
            answer = await _WORKER.run(lambda: _WORKER.dispatch(environ))
        except _NoBackend:
            return not_implemented(unsupported, rid, hint="moto has no backend for it either")
        except NotImplementedError:
            return not_implemented(unsupported, rid, hint="moto's backend does not implement it either")
        return _response(answer, rid)

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._detach():
            await _WORKER.run(_WORKER.reset)


def _response(answer: WsgiAnswer, rid: str) -> HttpResponse:
    headers = Headers((k, v) for k, v in answer.headers if k.lower() not in _DROPPED)
    body = answer.body
    theirs = headers.get(_REQUEST_ID)
    if theirs and any(kind in headers.get("content-type", "") for kind in _TEXT_TYPES):
        # query-protocol bodies repeat the id (ResponseMetadata.RequestId): ours, in both places
        body = body.replace(theirs.encode(), rid.encode())
        headers = headers.without("content-length")
    return HttpResponse(answer.status, headers.with_items({_REQUEST_ID: rid}), body)


class _MotoWorker:
    """The process's one thread for moto, and moto's dispatcher, loaded on that thread when first used."""

    def __init__(self) -> None:
        # re-entrant: a collected fallback's finalizer may run while this thread holds the lock
        self._lock = threading.RLock()
        self._executor: ThreadPoolExecutor | None = None
        self._users = 0
        self._dispatcher: DomainDispatcherApplication | None = None  # touched on the worker thread only

    def attach(self) -> None:
        with self._lock:
            self._users += 1

    def detach(self) -> bool:
        """Whether that was the last open fallback."""
        with self._lock:
            self._users -= 1
            return self._users == 0

    async def run(self, work: Callable[[], T]) -> T:
        with self._lock:
            if self._executor is None:
                # kept for the process's life: a second thread could run moto beside the first
                self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="triggerfish-moto")
            executor = self._executor
        return await asyncio.get_running_loop().run_in_executor(executor, work)

    def dispatch(self, environ: dict[str, Any]) -> WsgiAnswer:
        if self._dispatcher is None:
            self._dispatcher = _load_moto()
        try:
            # what the dispatcher's own __call__ does, with a service moto has no backend for told apart
            app: WsgiApp = self._dispatcher.get_application(environ)
        except (AttributeError, KeyError) as exc:
            raise _NoBackend from exc
        return call_wsgi(app, environ)

    def reset(self) -> None:
        if self._dispatcher is None:
            return  # moto was never loaded: nothing to forget
        from moto.moto_api._internal.models import moto_api_backend

        moto_api_backend.reset()


class _NoBackend(Exception):
    """moto has no backend for the service a request is for."""


def _load_moto() -> DomainDispatcherApplication:
    log.info("loading moto for the services triggerfish does not implement")
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    return DomainDispatcherApplication(create_backend_app)


_WORKER = _MotoWorker()
