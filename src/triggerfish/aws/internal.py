"""triggerfish's own HTTP API under ``/_triggerfish/``, beside the AWS services on the endpoint's port.

A small router: each route is a method and a path template whose ``{name}`` segments become
parameters. Answers are JSON (or a body of a stated type); an unknown path is a JSON 404, a known
path asked with another method a JSON 405, and a failing handler a JSON 500 whose details go to the
server's log only, never a traceback to the client.

The routes of SES's sent-messages inspection live here too (``ses_routes``); other services add theirs
the same way.
"""

from __future__ import annotations

import logging
import urllib.parse
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import orjson

from triggerfish.aws.server import INTERNAL_PREFIX, Receive, Scope, Send
from triggerfish.services.ses.errors import MessageNotFound
from triggerfish.services.ses.models import SentMessage
from triggerfish.services.ses.service import SesService

log = logging.getLogger(__name__)

#: internal requests carry no documents worth more than this; larger bodies are refused unread
_BODY_LIMIT = 1_048_576


@dataclass(frozen=True)
class InternalRequest:
    method: str
    path: str
    #: the values of the route's ``{name}`` segments, URL-decoded
    params: Mapping[str, str]
    #: each query parameter's first value
    query: Mapping[str, str]
    body: bytes = b""


@dataclass(frozen=True)
class InternalResponse:
    status: int
    body: bytes
    content_type: str = "application/json"
    headers: Mapping[str, str] = field(default_factory=dict)


Handler = Callable[[InternalRequest], Awaitable[InternalResponse]]


@dataclass(frozen=True)
class Route:
    method: str
    #: a path below ``/_triggerfish/``, e.g. ``ses/messages/{id}``
    template: str
    handler: Handler

    def match(self, segments: Sequence[str]) -> dict[str, str] | None:
        parts = self.template.strip("/").split("/")
        if len(parts) != len(segments):
            return None
        params: dict[str, str] = {}
        for part, segment in zip(parts, segments, strict=True):
            if part.startswith("{") and part.endswith("}"):
                if not segment:
                    return None
                params[part[1:-1]] = urllib.parse.unquote(segment)
            elif part != segment:
                return None
        return params


def json_response(body: object, status: int = 200) -> InternalResponse:
    return InternalResponse(status, orjson.dumps(body))


def error_response(status: int, error: str, message: str) -> InternalResponse:
    return json_response({"error": error, "message": message}, status)


class InternalApi:
    """The ASGI app for ``/_triggerfish/...`` (health excepted: the endpoint answers it itself)."""

    def __init__(self, routes: Iterable[Route] = ()) -> None:
        self._routes: list[Route] = list(routes)

    def add(self, route: Route) -> None:
        self._routes.append(route)

    def extend(self, routes: Iterable[Route]) -> None:
        self._routes.extend(routes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        try:
            response = await self._answer(scope, receive)
        except Exception:
            log.exception("internal request %s %s failed", scope.get("method"), scope.get("path"))
            response = error_response(500, "InternalError", "The request failed; the server log has the details.")
        await _send(send, response)

    async def _answer(self, scope: Scope, receive: Receive) -> InternalResponse:
        method: str = scope["method"]
        path: str = scope["path"]
        segments = path[len(INTERNAL_PREFIX) :].strip("/").split("/") if path.startswith(INTERNAL_PREFIX) else []
        matched = [(route, params) for route in self._routes if (params := route.match(segments)) is not None]
        if not matched:
            return error_response(404, "NotFound", f"No internal route answers {path}.")
        for route, params in matched:
            if route.method == method or (method == "HEAD" and route.method == "GET"):
                body = await _read_body(receive)
                if body is None:
                    return error_response(413, "TooLarge", f"The request body is over {_BODY_LIMIT} bytes.")
                query = _query(scope.get("query_string", b""))
                return await route.handler(InternalRequest(method, path, params, query, body))
        allowed = ", ".join(sorted({route.method for route, _ in matched}))
        response = error_response(405, "MethodNotAllowed", f"{path} answers {allowed}, not {method}.")
        return InternalResponse(response.status, response.body, headers={"Allow": allowed})


def _query(raw: bytes) -> dict[str, str]:
    pairs = urllib.parse.parse_qsl(raw.decode("latin-1"), keep_blank_values=True)
    query: dict[str, str] = {}
    for key, value in pairs:
        query.setdefault(key, value)
    return query


async def _read_body(receive: Receive) -> bytes | None:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk: bytes = message.get("body", b"")
        size += len(chunk)
        if size > _BODY_LIMIT:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def _send(send: Send, response: InternalResponse) -> None:
    headers = [
        (b"content-type", response.content_type.encode("latin-1")),
        (b"content-length", str(len(response.body)).encode()),
        *((k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in response.headers.items()),
    ]
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": response.body})


# --- SES: the messages SES accepted, for people and tests to read -------------------------------------------


def ses_routes(ses: SesService) -> list[Route]:
    """``GET/DELETE ses/messages``, ``GET ses/messages/{id}`` and ``GET ses/messages/{id}/raw``."""
    return [
        Route("GET", "ses/messages", _SesMessages(ses).list),
        Route("DELETE", "ses/messages", _SesMessages(ses).clear),
        Route("GET", "ses/messages/{id}", _SesMessages(ses).show),
        Route("GET", "ses/messages/{id}/raw", _SesMessages(ses).raw),
    ]


class _SesMessages:
    def __init__(self, ses: SesService) -> None:
        self._ses = ses

    async def list(self, request: InternalRequest) -> InternalResponse:
        region = request.query.get("region") or None
        messages = sorted(self._ses.sent_messages(region=region), key=lambda m: m.timestamp)
        return json_response({"messages": [summary(message) for message in messages]})

    async def clear(self, request: InternalRequest) -> InternalResponse:
        count = await self._ses.clear_sent_messages(region=request.query.get("region") or None)
        return json_response({"deleted": count})

    async def show(self, request: InternalRequest) -> InternalResponse:
        message = self._find(request.params["id"])
        if message is None:
            return _unknown(request.params["id"])
        detail = summary(message)
        detail.update(
            text=message.text,
            html=message.html,
            raw=message.raw.decode("utf-8", "replace"),
            tags=dict(message.tags),
            template=message.template,
            configuration_set=message.configuration_set,
        )
        return json_response(detail)

    async def raw(self, request: InternalRequest) -> InternalResponse:
        message = self._find(request.params["id"])
        if message is None:
            return _unknown(request.params["id"])
        return InternalResponse(200, message.raw, content_type="message/rfc822")

    def _find(self, message_id: str) -> SentMessage | None:
        try:
            return self._ses.sent_message(message_id)
        except MessageNotFound:
            return None


def summary(message: SentMessage) -> dict[str, object]:
    """The list view of a sent message (the CLI reads these names)."""
    return {
        "id": message.id,
        "region": message.region,
        "timestamp": _iso(message.timestamp),
        "source": message.source,
        "destination": {
            "to": list(message.destination.to),
            "cc": list(message.destination.cc),
            "bcc": list(message.destination.bcc),
        },
        "subject": message.subject,
    }


def _iso(timestamp: float) -> str:
    moment = datetime.fromtimestamp(timestamp, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _unknown(message_id: str) -> InternalResponse:
    return error_response(404, "NotFound", f"No sent message has the id {message_id}.")
