"""The answers API Gateway and Function URLs give of their own accord: their exact bodies and error types.

REST bodies are API Gateway's default gateway responses; HTTP API bodies have no error type header.
"""

from __future__ import annotations

import orjson

from triggerfish.gateway.response import JSON_TYPE, Response

_ERROR_TYPE = b"x-amzn-errortype"


def _json(status: int, body: bytes, error_type: bytes | None = None) -> Response:
    headers = [JSON_TYPE]
    if error_type is not None:
        headers.append((_ERROR_TYPE, error_type))
    return Response(status, headers, body)


# -- REST APIs (default gateway responses) ---------------------------------------------------------


def missing_token() -> Response:
    # an unknown stage, resource or method (spec §6.3): API Gateway will not say which
    return _json(403, b'{"message":"Missing Authentication Token"}', b"MissingAuthenticationTokenException")


def rest_forbidden() -> Response:
    # an API id that does not exist, or an API whose execute-api endpoint is disabled
    return _json(403, b'{"message":"Forbidden"}', b"ForbiddenException")


def rest_unauthorized() -> Response:
    return _json(401, b'{"message":"Unauthorized"}', b"UnauthorizedException")


def access_denied(*, explicit: bool) -> Response:
    # a Lambda authorizer's policy: an explicit Deny, or no Allow for the method ARN (spec §6.5)
    if explicit:
        body = b'{"Message":"User is not authorized to access this resource with an explicit deny"}'
    else:
        body = b'{"Message":"User is not authorized to access this resource"}'
    return _json(403, body, b"AccessDeniedException")


def authorizer_failure() -> Response:
    # observed: an authorizer that fails or answers nonsense gives a 500 whose message is null
    return _json(500, b'{"message":null}', b"AuthorizerConfigurationException")


def rest_bad_gateway() -> Response:
    # a function error or a malformed proxy response (spec §6.4)
    return _json(502, b'{"message": "Internal server error"}', b"InternalServerErrorException")


def rest_internal_error() -> Response:
    # Invoke refused the call: throttled, missing function, ... (spec §6.4: no 429 pass-through)
    return _json(500, b'{"message": "Internal server error"}', b"InternalServerErrorException")


def rest_timeout() -> Response:
    return _json(504, b'{"message": "Endpoint request timed out"}')


def request_too_large() -> Response:
    # the 10 MB payload quota (spec §6.4), gateway response REQUEST_TOO_LARGE
    return _json(413, b'{"message":"Request Too Long"}')


# -- HTTP APIs ----------------------------------------------------------------------------------


def not_found() -> Response:
    return _json(404, b'{"message":"Not Found"}')


def http_internal_error() -> Response:
    return _json(500, b'{"message":"Internal Server Error"}')


def http_unavailable() -> Response:
    # the integration timed out (spec §6.4)
    return _json(503, b'{"message":"Service Unavailable"}')


def http_unauthorized(challenge: bytes | None = None) -> Response:
    response = _json(401, b'{"message":"Unauthorized"}')
    if challenge is not None:
        response.add(b"www-authenticate", challenge)
    return response


def http_forbidden(challenge: bytes | None = None) -> Response:
    response = _json(403, b'{"message":"Forbidden"}')
    if challenge is not None:
        response.add(b"www-authenticate", challenge)
    return response


# -- Function URLs ------------------------------------------------------------------------------

_URL_FORBIDDEN = orjson.dumps(
    {
        "Message": "Forbidden. For troubleshooting Function URL authorization issues, see: "
        "https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html"
    }
)


def url_forbidden() -> Response:
    # spec §6.6 [obs]: no permission for the caller, or no valid signature on an AWS_IAM URL
    return _json(403, _URL_FORBIDDEN, b"AccessDeniedException")


def url_function_error() -> Response:
    # spec §6.6 [obs]: a function error is a plain-text 502
    return Response(502, [(b"content-type", b"text/plain; charset=utf-8")], b"Internal Server Error")


def url_throttled(reason: object) -> Response:
    # Lambda's own throttling error body (Type, Reason, message), as its Invoke API answers it
    body = orjson.dumps({"Reason": reason, "Type": "User", "message": "Rate Exceeded."})
    return _json(429, body, b"TooManyRequestsException")


def url_too_large(message: str) -> Response:
    return _json(413, orjson.dumps({"Message": message}), b"RequestEntityTooLargeException")
