"""The request headers a Lambda proxy event carries: the client's, less the hop-by-hop ones, plus the
``X-Forwarded-*`` and ``X-Amzn-Trace-Id`` headers API Gateway and Function URLs add.

Payload 2.0 names are lower-case. Payload 1.0 keeps the client's casing; an ASGI server has already
lower-cased the names, so they are restored to their usual Title-Case, and the few names AWS's edge
always writes canonically are written so whatever the client sent.
"""

from __future__ import annotations

from triggerfish.gateway.request import Request

Pairs = list[tuple[str, str]]

# never forwarded by a proxy (RFC 9110 §7.6.1); the X-Forwarded-* set is replaced by our own
_DROPPED = frozenset(
    {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer"}
    | {"x-forwarded-for", "x-forwarded-port", "x-forwarded-proto"}
)
# REST events carry no Content-Length (observed: a POST with a body arrives without one)
_DROPPED_REST = _DROPPED | {"content-length"}
# observed: "authorization" and "aUThorization" both arrive as "Authorization" in REST events, and an HTTP
# API 1.0 event of an HTTP/2 client shows these names canonical while the others stay lower-case
_CANONICAL = {
    "authorization": "Authorization",
    "content-length": "Content-Length",
    "content-type": "Content-Type",
    "host": "Host",
    "user-agent": "User-Agent",
}
_TITLED: dict[str, str] = {}


def v2_headers(request: Request, trace: str) -> Pairs:
    pairs: Pairs = []
    forwarded_for = None
    traced = False
    for name, value in request.headers:
        if name in _DROPPED:
            if name == "x-forwarded-for":
                forwarded_for = value
            continue
        if name == "x-amzn-trace-id":
            traced = True
        pairs.append((name, value))
    pairs.append(("x-forwarded-for", _forwarded_for(forwarded_for, request.source_ip)))
    pairs.append(("x-forwarded-port", str(request.port)))
    pairs.append(("x-forwarded-proto", request.scheme))
    if not traced:
        pairs.append(("x-amzn-trace-id", trace))
    return pairs


def v1_headers(request: Request, trace: str, *, rest: bool) -> Pairs:
    dropped = _DROPPED_REST if rest else _DROPPED
    names = request.header_names
    pairs: Pairs = []
    forwarded_for = None
    traced = False
    for index, (name, value) in enumerate(request.headers):
        if name in dropped:
            if name == "x-forwarded-for":
                forwarded_for = value
            continue
        if name == "x-amzn-trace-id":
            traced = True
        pairs.append((_CANONICAL.get(name) or (names[index] if names else title_case(name)), value))
    if not traced:
        pairs.append(("X-Amzn-Trace-Id", trace))
    pairs.append(("X-Forwarded-For", _forwarded_for(forwarded_for, request.source_ip)))
    pairs.append(("X-Forwarded-Port", str(request.port)))
    pairs.append(("X-Forwarded-Proto", request.scheme))
    return pairs


def title_case(name: str) -> str:
    """``x-amz-date`` -> ``X-Amz-Date``, remembered: the same few names come on every request."""
    titled = _TITLED.get(name)
    if titled is None:
        titled = "-".join(part[:1].upper() + part[1:] for part in name.split("-"))
        if len(_TITLED) < 4096:
            _TITLED[name] = titled
    return titled


def _forwarded_for(sent: str | None, source_ip: str) -> str:
    # a proxy appends the address it saw to the list the client sent
    return f"{sent}, {source_ip}" if sent else source_ip
