"""The AWS ASGI application: read, route, parse, dispatch to a provider, serialise.

Every answer carries ``x-amzn-RequestId``. Errors of our services map to their AWS code and
status; anything unexpected becomes ``InternalFailure`` (500) with the request id, and its
traceback goes to the server's log only.

A request for a service no provider serves goes to the ``fallback`` when one is set (after its
signature is checked, when ``auth`` is on), else it is answered 501. A service we serve never goes to
the fallback, not even for an operation its provider lacks: that stays our 501.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Mapping
from dataclasses import replace

from triggerfish.aws.auth import Authenticator
from triggerfish.aws.fallback import Fallback, unavailable_hint
from triggerfish.aws.protocol import (
    BodyTooLarge,
    ByteStream,
    Headers,
    HttpRequest,
    HttpResponse,
    ProtocolError,
    ServiceModel,
    error_response,
    load_service,
    protocol_of,
    receive_request,
    serialize_error,
    serialize_response,
)
from triggerfish.aws.protocol.json_codec import dumps
from triggerfish.aws.providers.base import BodyLimit, Call, Provider
from triggerfish.aws.routing import (
    ServiceRoute,
    UnsupportedService,
    not_implemented,
    route,
    service_error,
    service_model,
)
from triggerfish.aws.server import Receive, Scope, Send
from triggerfish.core.errors import RequestTooLarge, TriggerfishError
from triggerfish.core.ids import DEFAULT_ACCOUNT, request_id
from triggerfish.services.lambda_.service import Scope as ServiceScope

log = logging.getLogger(__name__)

_REQUEST_ID = "x-amzn-RequestId"
_EVENT_STREAM = "application/vnd.amazon.eventstream"
#: how much of a body left unread by an error answer is read and dropped, so the client hears the
#: answer rather than a reset connection (which SDKs would retry); beyond it the connection is closed
_DISCARD_LIMIT = 16 * 1_048_576


class AwsApp:
    """One ASGI app for every AWS service; ``providers`` maps a botocore service name to its provider."""

    def __init__(
        self,
        providers: Mapping[str, Provider],
        *,
        account: str = DEFAULT_ACCOUNT,
        auth: Authenticator | None = None,
        fallback: Fallback | None = None,
        unserved_hint: str | None = None,
    ) -> None:
        """``fallback`` answers the services no provider serves; without one, their 501 ends with
        ``unserved_hint`` (default: how to install the moto fallback, when moto is missing)."""
        self._providers = dict(providers)
        self._account = account
        self._auth = auth  # None: any credentials are accepted, unchecked
        self._fallback = fallback
        self._unserved_hint = unserved_hint if unserved_hint is not None else unavailable_hint()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        rid = request_id()
        incoming = _Incoming(receive)
        request = _request(scope, incoming)
        try:
            response = await self.handle(request, rid)
        except Exception:
            log.exception("request %s failed", rid)
            response = _internal_failure(None, rid)
        if not incoming.done and not await incoming.discard(_DISCARD_LIMIT):
            # an answer given before the body was read (an error): what the client still sends
            # would be read as the next request on this connection, so the connection ends here
            response = replace(response, headers=response.headers.with_items({"Connection": "close"}))
        await _send(send, response, rid, incoming)

    async def handle(self, request: HttpRequest, rid: str) -> HttpResponse:
        routed = route(request, self._providers.keys())
        if isinstance(routed, UnsupportedService):
            if self._fallback is None:
                return not_implemented(routed, rid, hint=self._unserved_hint)
            try:
                return await self._forward(self._fallback, routed, request, rid)
            except Exception:
                log.exception("request %s to %s (fallback) failed", rid, routed.service)
                return _internal_failure(service_model(routed.service), rid)
        service = load_service(routed.service)
        provider = self._providers[routed.service]
        try:
            return await self._dispatch(service, provider, routed, request, rid)
        except Exception:
            log.exception("request %s to %s failed", rid, routed.service)
            return _internal_failure(service, rid)

    async def _forward(
        self, fallback: Fallback, unsupported: UnsupportedService, request: HttpRequest, rid: str
    ) -> HttpResponse:
        limit = fallback.body_limit
        try:
            if _declared_length(request) > limit:
                raise BodyTooLarge(limit)
            if self._auth is not None:
                model = service_model(unsupported.service)
                protocol = protocol_of(model) if model is not None else "json"
                request = await self._auth.verify(request, unsupported.service, protocol, limit=limit)
        except BodyTooLarge:
            message = f"Request must be smaller than {limit} bytes"
            return service_error(unsupported.service, "RequestEntityTooLarge", message, rid, status=413)
        except ProtocolError as exc:
            return service_error(unsupported.service, exc.code, exc.message, rid, status=exc.status)
        return await fallback.handle(request, unsupported, rid)

    async def _dispatch(
        self, service: ServiceModel, provider: Provider, routed: ServiceRoute, request: HttpRequest, rid: str
    ) -> HttpResponse:
        limit = provider.body_limit(request)
        try:
            if _declared_length(request) > limit.size:
                raise BodyTooLarge(limit.size)
            if self._auth is not None:
                request = await self._auth.verify(request, routed.service, protocol_of(service), limit=limit.size)
            parsed = await receive_request(service, request, limit=limit.size)
        except BodyTooLarge:
            return error_response(service, None, _too_large(limit), rid)
        except ProtocolError as exc:
            return error_response(service, None, exc, rid)
        if parsed.name not in provider.operations():
            return not_implemented(UnsupportedService(routed.service, routed.region, parsed.name), rid)
        call = Call(parsed.name, parsed.params, ServiceScope(self._account, routed.region), rid, request)
        try:
            reply = await provider.call(call)
        except TriggerfishError as exc:
            return error_response(service, parsed.operation, exc, rid)
        except ProtocolError as exc:
            return error_response(service, parsed.operation, exc, rid)
        if reply.stream is not None:
            # an event stream output (StartLiveTail): the provider framed it; it is sent as produced
            headers = Headers({"Content-Type": _EVENT_STREAM, **(reply.headers or {})})
            return HttpResponse(reply.status or 200, headers, reply.stream)
        return serialize_response(parsed.operation, reply.result, rid, status=reply.status, headers=reply.headers)


def _request(scope: Scope, incoming: _Incoming) -> HttpRequest:
    raw_path: bytes | None = scope.get("raw_path")
    path = raw_path.decode("latin-1") if raw_path else scope["path"]
    headers = Headers((k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"])
    query: bytes = scope.get("query_string", b"")
    return HttpRequest(scope["method"], path.partition("?")[0], query.decode("latin-1"), headers, incoming)


class _Incoming:
    """The request body as the client sends it, read as the service consumes it; ``done`` once all is read."""

    def __init__(self, receive: Receive) -> None:
        self._receive = receive
        self.done = False

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self._chunks()

    async def _next(self) -> bytes:
        message = await self._receive()
        if message["type"] == "http.disconnect" or not message.get("more_body", False):
            self.done = True
        chunk: bytes = message.get("body", b"")
        return chunk

    async def _chunks(self) -> AsyncIterator[bytes]:
        while not self.done:
            if chunk := await self._next():
                yield chunk

    async def disconnected(self) -> None:
        """Return once the client has gone; only meaningful after the whole body was read."""
        while (await self._receive())["type"] != "http.disconnect":
            pass

    async def discard(self, limit: int) -> bool:
        """Read and drop the rest of the body, up to ``limit`` bytes; whether it was all read."""
        seen = 0
        while not self.done:
            seen += len(await self._next())
            if seen > limit:
                return False
        return True


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.headers.get("content-length", "0"))
    except ValueError:
        return 0


def _too_large(limit: BodyLimit) -> RequestTooLarge:
    # Lambda's wording for an oversize request (spec §1.1, observed on Invoke).
    return RequestTooLarge(f"Request must be smaller than {limit.size} bytes for the {limit.operation} operation")


def _internal_failure(service: ServiceModel | None, rid: str) -> HttpResponse:
    message = f"An internal error occurred (request id {rid}); the server log has the details."
    if service is not None:
        try:
            return serialize_error(
                service, None, "InternalFailure", message, request_id=rid, status=500, sender_fault=False
            )
        except Exception:
            log.exception("could not serialise the internal failure of request %s", rid)
    body = dumps({"__type": "InternalFailure", "message": message})
    return HttpResponse(500, Headers({"Content-Type": "application/json"}), body)


async def _send(send: Send, response: HttpResponse, rid: str, incoming: _Incoming) -> None:
    headers = response.headers
    if _REQUEST_ID not in headers:
        headers = headers.with_items({_REQUEST_ID: rid})
    body = response.body
    raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
    if isinstance(body, bytes):
        if "content-length" not in headers:
            raw.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": response.status, "headers": raw})
        await send({"type": "http.response.body", "body": body})
        return
    await send({"type": "http.response.start", "status": response.status, "headers": raw})
    if incoming.done and headers.get("content-type") == _EVENT_STREAM:
        await _send_until_gone(send, body, incoming)
    else:
        async for chunk in body:
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
    await send({"type": "http.response.body", "body": b""})


async def _send_until_gone(send: Send, body: ByteStream, incoming: _Incoming) -> None:
    """Send a streamed body until it ends or the client hangs up: an event stream (StartLiveTail)
    does not end by itself, and sending to a closed connection raises nothing."""
    chunks = aiter(body)
    gone = asyncio.ensure_future(incoming.disconnected())
    try:
        while True:
            following = asyncio.ensure_future(anext(chunks))
            await asyncio.wait({following, gone}, return_when=asyncio.FIRST_COMPLETED)
            if not following.done():
                following.cancel()
                with contextlib.suppress(asyncio.CancelledError, StopAsyncIteration):
                    await following
                return
            try:
                chunk = following.result()
            except StopAsyncIteration:
                return
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
    finally:
        gone.cancel()
        close = getattr(chunks, "aclose", None)
        if close is not None:
            await close()
