"""API Gateway Lambda proxy events: REST APIs (payload 1.0, spec §6.1) and HTTP APIs (payload 2.0, §6.2)."""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from typing import Any, NotRequired, TypedDict

from triggerfish.core.payloads.http_request import Pairs, header_value, joined_headers, joined_query, query_pairs
from triggerfish.core.payloads.http_request import single_and_multi_values as _folded
from triggerfish.core.payloads.timestamps import access_log_time, epoch_millis


class RestApiIdentity(TypedDict):
    accessKey: str | None
    accountId: str | None
    caller: str | None
    cognitoAuthenticationProvider: str | None
    cognitoAuthenticationType: str | None
    cognitoIdentityId: str | None
    cognitoIdentityPoolId: str | None
    principalOrgId: str | None
    sourceIp: str
    user: str | None
    userAgent: str | None
    userArn: str | None


class _Authorizer(TypedDict, total=False):
    authorizer: dict[str, Any]


class RestApiRequestContext(TypedDict):
    accountId: str
    apiId: str
    authorizer: NotRequired[dict[str, Any]]
    deploymentId: str
    domainName: str
    domainPrefix: str
    extendedRequestId: str
    httpMethod: str
    identity: RestApiIdentity
    path: str
    protocol: str
    requestId: str
    requestTime: str
    requestTimeEpoch: int
    resourceId: str
    resourcePath: str
    stage: str


class RestApiEvent(TypedDict):
    resource: str
    path: str
    httpMethod: str
    headers: dict[str, str] | None
    multiValueHeaders: dict[str, list[str]] | None
    queryStringParameters: dict[str, str] | None
    multiValueQueryStringParameters: dict[str, list[str]] | None
    pathParameters: dict[str, str] | None
    stageVariables: dict[str, str] | None
    requestContext: RestApiRequestContext
    body: str | None
    isBase64Encoded: bool


class HttpApiV1Identity(TypedDict):
    accessKey: str | None
    accountId: str | None
    caller: str | None
    cognitoAmr: str | None
    cognitoAuthenticationProvider: str | None
    cognitoAuthenticationType: str | None
    cognitoIdentityId: str | None
    cognitoIdentityPoolId: str | None
    principalOrgId: str | None
    sourceIp: str
    user: str | None
    userAgent: str | None
    userArn: str | None


class HttpApiV1RequestContext(TypedDict):
    accountId: str
    apiId: str
    authorizer: NotRequired[dict[str, Any]]
    domainName: str
    domainPrefix: str
    extendedRequestId: str
    httpMethod: str
    identity: HttpApiV1Identity
    path: str
    protocol: str
    requestId: str
    requestTime: str
    requestTimeEpoch: int
    resourceId: str
    resourcePath: str
    stage: str


class HttpApiV1Event(TypedDict):
    version: str
    resource: str
    path: str
    httpMethod: str
    headers: dict[str, str] | None
    multiValueHeaders: dict[str, list[str]] | None
    queryStringParameters: dict[str, str] | None
    multiValueQueryStringParameters: dict[str, list[str]] | None
    requestContext: HttpApiV1RequestContext
    pathParameters: dict[str, str] | None
    stageVariables: dict[str, str] | None
    body: str | None
    isBase64Encoded: bool


class HttpApiHttp(TypedDict):
    method: str
    path: str
    protocol: str
    sourceIp: str
    userAgent: str


class _Authentication(TypedDict, total=False):
    authentication: dict[str, Any]


class HttpApiRequestContext(TypedDict):
    accountId: str
    apiId: str
    authentication: NotRequired[dict[str, Any]]
    authorizer: NotRequired[dict[str, Any]]
    domainName: str
    domainPrefix: str
    http: HttpApiHttp
    requestId: str
    routeKey: str
    stage: str
    time: str
    timeEpoch: int


class Cookies(TypedDict, total=False):
    cookies: list[str]


class QueryParameters(TypedDict, total=False):
    queryStringParameters: dict[str, str]


class Body(TypedDict, total=False):
    body: str


class _PathParameters(TypedDict, total=False):
    pathParameters: dict[str, str]


class _StageVariables(TypedDict, total=False):
    stageVariables: dict[str, str]


class HttpApiEvent(TypedDict):
    version: str
    routeKey: str
    rawPath: str
    rawQueryString: str
    cookies: NotRequired[list[str]]
    headers: dict[str, str]
    queryStringParameters: NotRequired[dict[str, str]]
    requestContext: HttpApiRequestContext
    body: NotRequired[str]
    pathParameters: NotRequired[dict[str, str]]
    isBase64Encoded: bool
    stageVariables: NotRequired[dict[str, str]]


def request_time(epoch: float) -> str:
    """``requestTime`` / ``time``: the access-log time, formatted once per second (it is on every request)."""
    return _second_text(math.floor(epoch))


@functools.lru_cache(maxsize=16)
def _second_text(second: int) -> str:
    return access_log_time(second)


def execute_api_domain(api_id: str, region: str) -> str:
    return f"{api_id}.execute-api.{region}.amazonaws.com"


def rest_api_event(
    *,
    method: str,
    path: str,
    resource: str,
    stage: str,
    account: str,
    api_id: str,
    region: str,
    time: float,
    request_id: str,
    extended_request_id: str,
    resource_id: str,
    deployment_id: str,
    source_ip: str,
    headers: Pairs = (),
    query: Pairs = (),
    path_parameters: Mapping[str, str] | None = None,
    stage_variables: Mapping[str, str] | None = None,
    body: str | None = None,
    is_base64_encoded: bool = False,
    user_agent: str | None = None,
    domain_name: str | None = None,
    authorizer: Mapping[str, Any] | None = None,
    context_path: str | None = None,
    protocol: str = "HTTP/1.1",
) -> RestApiEvent:
    """A REST API proxy event. ``path`` is the request path without the stage; ``headers`` and ``query`` are
    the request's ``(name, value)`` pairs in order, decoded, header names as the client sent them.
    ``context_path`` is the path as requested, stage included (``/stage//a`` for ``/a`` requested with a
    doubled slash); it defaults to ``/<stage><path>``."""
    single_headers, multi_headers = _folded(headers)
    single_query, multi_query = _folded(query)
    domain = domain_name or execute_api_domain(api_id, region)
    # an authorizer's output appears only when an authorizer ran (§6.1)
    authorized: _Authorizer = {} if authorizer is None else {"authorizer": dict(authorizer)}
    # REST events have no "version" key; absent collections are null, not {} (§6.1)
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": single_headers,
        "multiValueHeaders": multi_headers,
        "queryStringParameters": single_query,
        "multiValueQueryStringParameters": multi_query,
        "pathParameters": dict(path_parameters) if path_parameters else None,
        "stageVariables": dict(stage_variables) if stage_variables else None,
        "requestContext": {
            "accountId": account,
            "apiId": api_id,
            **authorized,
            "deploymentId": deployment_id,
            "domainName": domain,
            "domainPrefix": domain.split(".", 1)[0],
            "extendedRequestId": extended_request_id,
            "httpMethod": method,
            "identity": {
                "accessKey": None,
                "accountId": None,
                "caller": None,
                "cognitoAuthenticationProvider": None,
                "cognitoAuthenticationType": None,
                "cognitoIdentityId": None,
                "cognitoIdentityPoolId": None,
                "principalOrgId": None,
                "sourceIp": source_ip,
                "user": None,
                "userAgent": user_agent if user_agent is not None else header_value(headers, "User-Agent"),
                "userArn": None,
            },
            # requestContext.path includes the stage prefix (§6.1) and keeps the request's own slashes
            "path": context_path if context_path is not None else f"/{stage}{path}",
            "protocol": protocol,
            "requestId": request_id,
            "requestTime": request_time(time),
            "requestTimeEpoch": epoch_millis(time),
            "resourceId": resource_id,
            "resourcePath": resource,
            "stage": stage,
        },
        "body": body if body else None,
        "isBase64Encoded": is_base64_encoded,
    }


def http_api_event(
    *,
    method: str,
    raw_path: str,
    account: str,
    api_id: str,
    region: str,
    time: float,
    request_id: str,
    source_ip: str,
    raw_query_string: str = "",
    headers: Pairs = (),
    route_key: str = "$default",
    stage: str = "$default",
    path_parameters: Mapping[str, str] | None = None,
    stage_variables: Mapping[str, str] | None = None,
    body: str | None = None,
    is_base64_encoded: bool = False,
    user_agent: str | None = None,
    domain_name: str | None = None,
    authorizer: Mapping[str, Any] | None = None,
    authentication: Mapping[str, Any] | None = None,
    protocol: str = "HTTP/1.1",
) -> HttpApiEvent:
    """An HTTP API event. ``raw_path`` is the path as requested: a named stage's segment stays in it, the
    ``$default`` stage has none; ``raw_query_string`` is the query string as sent, without ``?``."""
    folded_headers, cookies = joined_headers(headers)
    query = joined_query(raw_query_string)
    domain = domain_name or execute_api_domain(api_id, region)
    # optional members are left out when empty rather than null (§6.2)
    context: HttpApiRequestContext = {
        "accountId": account,
        "apiId": api_id,
        **_authentication(authentication),
        **_authorizer(authorizer),
        "domainName": domain,
        "domainPrefix": domain.split(".", 1)[0],
        "http": {
            "method": method,
            "path": raw_path,
            "protocol": protocol,
            "sourceIp": source_ip,
            "userAgent": user_agent if user_agent is not None else folded_headers.get("user-agent", ""),
        },
        "requestId": request_id,
        "routeKey": route_key,
        "stage": stage,
        "time": request_time(time),
        "timeEpoch": epoch_millis(time),
    }
    return {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": raw_path,
        "rawQueryString": raw_query_string,
        **_cookies(cookies),
        "headers": folded_headers,
        **_query(query),
        "requestContext": context,
        **_body(body),
        **_path_parameters(path_parameters),
        "isBase64Encoded": is_base64_encoded,
        **_stage_variables(stage_variables),
    }


def http_api_v1_event(
    *,
    method: str,
    path: str,
    route_key: str,
    stage: str,
    account: str,
    api_id: str,
    region: str,
    time: float,
    request_id: str,
    source_ip: str,
    raw_query_string: str = "",
    headers: Pairs = (),
    path_parameters: Mapping[str, str] | None = None,
    stage_variables: Mapping[str, str] | None = None,
    body: str | None = None,
    is_base64_encoded: bool = False,
    user_agent: str | None = None,
    domain_name: str | None = None,
    authorizer: Mapping[str, Any] | None = None,
    protocol: str = "HTTP/1.1",
) -> HttpApiV1Event:
    """An HTTP API event in payload format 1.0: REST's shape with ``"version": "1.0"``. ``path`` is the path as
    requested (a named stage's segment included); ``resource`` and ``resourcePath`` are the route's path and
    ``resourceId`` its key, all ``$default`` for the ``$default`` route (observed on AWS)."""
    single_headers, multi_headers = _folded(headers)
    single_query, multi_query = _folded(query_pairs(raw_query_string))
    domain = domain_name or execute_api_domain(api_id, region)
    resource = route_key.partition(" ")[2] or route_key
    authorized: _Authorizer = {} if authorizer is None else {"authorizer": dict(authorizer)}
    return {
        "version": "1.0",
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": single_headers,
        "multiValueHeaders": multi_headers,
        "queryStringParameters": single_query,
        "multiValueQueryStringParameters": multi_query,
        "requestContext": {
            "accountId": account,
            "apiId": api_id,
            **authorized,
            "domainName": domain,
            "domainPrefix": domain.split(".", 1)[0],
            "extendedRequestId": request_id,
            "httpMethod": method,
            "identity": {
                "accessKey": None,
                "accountId": None,
                "caller": None,
                "cognitoAmr": None,
                "cognitoAuthenticationProvider": None,
                "cognitoAuthenticationType": None,
                "cognitoIdentityId": None,
                "cognitoIdentityPoolId": None,
                "principalOrgId": None,
                "sourceIp": source_ip,
                "user": None,
                "userAgent": user_agent if user_agent is not None else header_value(headers, "User-Agent"),
                "userArn": None,
            },
            "path": path,
            "protocol": protocol,
            "requestId": request_id,
            "requestTime": request_time(time),
            "requestTimeEpoch": epoch_millis(time),
            "resourceId": route_key,
            "resourcePath": resource,
            "stage": stage,
        },
        "pathParameters": dict(path_parameters) if path_parameters else None,
        "stageVariables": dict(stage_variables) if stage_variables else None,
        "body": body if body else None,
        "isBase64Encoded": is_base64_encoded,
    }


def _authentication(authentication: Mapping[str, Any] | None) -> _Authentication:
    return {"authentication": dict(authentication)} if authentication else {}


def _authorizer(authorizer: Mapping[str, Any] | None) -> _Authorizer:
    return {"authorizer": dict(authorizer)} if authorizer else {}


def _cookies(cookies: list[str]) -> Cookies:
    return {"cookies": cookies} if cookies else {}


def _query(query: dict[str, str]) -> QueryParameters:
    return {"queryStringParameters": query} if query else {}


def _body(body: str | None) -> Body:
    return {"body": body} if body else {}


def _path_parameters(path_parameters: Mapping[str, str] | None) -> _PathParameters:
    return {"pathParameters": dict(path_parameters)} if path_parameters else {}


def _stage_variables(stage_variables: Mapping[str, str] | None) -> _StageVariables:
    return {"stageVariables": dict(stage_variables)} if stage_variables else {}
