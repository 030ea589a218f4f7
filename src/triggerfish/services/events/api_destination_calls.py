"""One API destination call: the HTTP request EventBridge makes, and what its answer means for the event.

The request (user guide, "API destinations"): the destination's method and endpoint, ``*`` in the path
replaced by the target's ``HttpParameters.PathParameterValues`` in order, header and query-string
parameters from the target and the connection (the connection's win on a shared name), the
connection's authorization, and the headers EventBridge always adds (``User-Agent:
Amazon/EventBridge/ApiDestinations``, ``Content-Type: application/json; charset=utf-8``,
``Range: bytes=0-1048575``, ``Accept-Encoding: gzip,deflate``, ``Connection: close``).

The outcome (user guide, "API destination error codes"): 2xx delivers; 429 and 5xx are retried, and
so are timeouts (the endpoint has 5 seconds to answer); 1xx, 3xx and the other 4xx are not.
``Retry-After`` asks for a later retry, and a negative one stops retrying.
"""

from __future__ import annotations

import email.utils
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from triggerfish.services.events.api_destination_models import ApiDestination
from triggerfish.services.events.connection_auth import with_query
from triggerfish.services.events.connection_models import Connection
from triggerfish.services.events.errors import TargetFailure
from triggerfish.services.events.target_failures import ErrorCode
from triggerfish.services.http_call import HttpRequest, HttpResponse

#: how long an endpoint has to answer (user guide, "API destinations": 5 seconds)
API_DESTINATION_TIMEOUT = 5.0
USER_AGENT = "Amazon/EventBridge/ApiDestinations"
_FIXED_HEADERS = (
    ("User-Agent", USER_AGENT),
    ("Content-Type", "application/json; charset=utf-8"),
    ("Range", "bytes=0-1048575"),
    ("Accept-Encoding", "gzip,deflate"),
)
# framing headers are the client's to write, whatever a target or connection asks for
_FRAMING = frozenset({"host", "content-length", "connection", "transfer-encoding"})
_WITHOUT_BODY = frozenset({"GET", "HEAD"})


@dataclass(frozen=True)
class ApiDestinationFailure(TargetFailure):
    """A failed call; ``retry_after`` is the endpoint's ``Retry-After`` in seconds, when it gave one."""

    retry_after: float | None = None


def build_request(
    destination: ApiDestination,
    connection: Connection,
    *,
    body: str,
    http_parameters: Mapping[str, Any] | None,
    authorization: tuple[str, str] | None,
) -> HttpRequest:
    given = http_parameters or {}
    url = _fill_path(destination.endpoint, given.get("PathParameterValues") or ())
    own_query = [(p.key, p.value) for p in connection.invocation.query]
    shared = {key for key, _ in own_query}
    target_query = [(str(k), str(v)) for k, v in (given.get("QueryStringParameters") or {}).items() if k not in shared]
    headers: dict[str, tuple[str, str]] = {name.lower(): (name, value) for name, value in _FIXED_HEADERS}
    extra = [(str(k), str(v)) for k, v in (given.get("HeaderParameters") or {}).items()]
    extra += [(p.key, p.value) for p in connection.invocation.headers]
    extra += [authorization] if authorization is not None else []
    for name, value in extra:
        if name.lower() not in _FRAMING:
            headers[name.lower()] = (name, value)
    payload = b""
    if destination.method not in _WITHOUT_BODY:
        payload = _with_body_parameters(body, connection).encode()
    return HttpRequest(destination.method, with_query(url, target_query + own_query), tuple(headers.values()), payload)


def failure_for(response: HttpResponse, *, now: float) -> ApiDestinationFailure | None:
    """None when the endpoint took the event; otherwise the failure, retriable or not."""
    status = response.status
    if 200 <= status < 300:
        return None
    message = f"The API destination endpoint answered HTTP {status}" + (
        f" {response.reason}" if response.reason else ""
    )
    retry_after = _retry_after(response.headers.get("retry-after"), now)
    if status == 429:
        code, retriable = ErrorCode.THROTTLING, True
    else:
        code, retriable = ErrorCode.ERROR_FROM_TARGET, status >= 500
    if retry_after is not None and retry_after < 0:
        retriable = False
    return ApiDestinationFailure(str(code), message, retriable, retry_after)


def timed_out(timeout: float) -> ApiDestinationFailure:
    return ApiDestinationFailure(
        str(ErrorCode.TIMEOUT), f"The API destination endpoint did not answer within {timeout:g} seconds.", True
    )


def unreachable(detail: str) -> ApiDestinationFailure:
    return ApiDestinationFailure(
        str(ErrorCode.CONNECTION_FAILURE), f"The API destination endpoint could not be reached: {detail}", True
    )


def _fill_path(endpoint: str, values: Sequence[str]) -> str:
    parts = urlsplit(endpoint)
    pieces = parts.path.split("*")
    path = pieces[0]
    for index, piece in enumerate(pieces[1:]):
        # a wildcard without a value stays as it is
        path += (str(values[index]) if index < len(values) else "*") + piece
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, parts.fragment))


def _with_body_parameters(body: str, connection: Connection) -> str:
    """The connection's body parameters are added to a JSON object body, and overrule its members."""
    if not connection.invocation.body:
        return body
    try:
        document = json.loads(body)
    except ValueError:
        return body
    if not isinstance(document, dict):
        return body
    document.update({p.key: p.value for p in connection.invocation.body})
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def _retry_after(value: str | None, now: float) -> float | None:
    if value is None:
        return None
    text = value.strip()
    try:
        return float(int(text))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return when.timestamp() - now
