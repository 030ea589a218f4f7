"""Lambda Function URL events: payload 2.0 with the fixed values a URL uses (spec §6.6)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NotRequired, TypedDict

from triggerfish.core.payloads.apigateway import Body, Cookies, HttpApiHttp, QueryParameters, request_time
from triggerfish.core.payloads.http_request import Pairs, joined_headers, joined_query
from triggerfish.core.payloads.timestamps import epoch_millis

# a Function URL has one route and one stage, both "$default" (§6.6)
DEFAULT_ROUTE = "$default"
DEFAULT_STAGE = "$default"
# the account a caller has when the URL's AuthType is NONE, as observed on AWS
ANONYMOUS_ACCOUNT = "anonymous"


@dataclass(frozen=True)
class IamCaller:
    """Who signed a request to a URL whose AuthType is ``AWS_IAM``."""

    access_key: str
    account_id: str
    caller_id: str
    user_arn: str
    user_id: str
    principal_org_id: str | None = None


class FunctionUrlIam(TypedDict):
    accessKey: str
    accountId: str
    callerId: str
    cognitoIdentity: None
    principalOrgId: str | None
    userArn: str
    userId: str


class FunctionUrlAuthorizer(TypedDict):
    iam: FunctionUrlIam


class _IamContext(TypedDict, total=False):
    authentication: None
    authorizer: FunctionUrlAuthorizer


class FunctionUrlRequestContext(TypedDict):
    accountId: str
    apiId: str
    authentication: NotRequired[None]
    authorizer: NotRequired[FunctionUrlAuthorizer]
    domainName: str
    domainPrefix: str
    http: HttpApiHttp
    requestId: str
    routeKey: str
    stage: str
    time: str
    timeEpoch: int


class _NullPathParameters(TypedDict, total=False):
    pathParameters: None


class _NullStageVariables(TypedDict, total=False):
    stageVariables: None


class FunctionUrlEvent(TypedDict):
    version: str
    routeKey: str
    rawPath: str
    rawQueryString: str
    cookies: NotRequired[list[str]]
    headers: dict[str, str]
    queryStringParameters: NotRequired[dict[str, str]]
    requestContext: FunctionUrlRequestContext
    body: NotRequired[str]
    pathParameters: NotRequired[None]
    isBase64Encoded: bool
    stageVariables: NotRequired[None]


def function_url_domain(url_id: str, region: str) -> str:
    return f"{url_id}.lambda-url.{region}.on.aws"


def function_url_event(
    *,
    url_id: str,
    region: str,
    account: str,
    method: str,
    raw_path: str,
    time: float,
    request_id: str,
    source_ip: str,
    raw_query_string: str = "",
    headers: Pairs = (),
    body: str | None = None,
    is_base64_encoded: bool = False,
    user_agent: str | None = None,
    caller: IamCaller | None = None,
    protocol: str = "HTTP/1.1",
) -> FunctionUrlEvent:
    """A request to a Function URL of ``account``'s function. ``caller`` is the signer for ``AWS_IAM`` URLs and
    ``None`` for ``NONE`` URLs, whose events name the account ``anonymous`` instead of the owner."""
    folded_headers, cookies = joined_headers(headers)
    query = joined_query(raw_query_string)
    domain = function_url_domain(url_id, region)
    # AWS_IAM events carry the signer in authorizer.iam, with authentication, pathParameters and
    # stageVariables null; events of NONE URLs leave all four out (§6.6)
    iam: _IamContext = {}
    null_path: _NullPathParameters = {}
    null_stage: _NullStageVariables = {}
    if caller is not None:
        iam = {"authentication": None, "authorizer": {"iam": _iam(caller)}}
        null_path = {"pathParameters": None}
        null_stage = {"stageVariables": None}
    cookie_list: Cookies = {"cookies": cookies} if cookies else {}
    query_map: QueryParameters = {"queryStringParameters": query} if query else {}
    body_text: Body = {"body": body} if body else {}
    return {
        "version": "2.0",
        "routeKey": DEFAULT_ROUTE,
        "rawPath": raw_path,
        "rawQueryString": raw_query_string,
        **cookie_list,
        "headers": folded_headers,
        **query_map,
        "requestContext": {
            "accountId": account if caller is not None else ANONYMOUS_ACCOUNT,
            "apiId": url_id,
            **iam,
            "domainName": domain,
            "domainPrefix": url_id,
            "http": {
                "method": method,
                "path": raw_path,
                "protocol": protocol,
                "sourceIp": source_ip,
                "userAgent": user_agent if user_agent is not None else folded_headers.get("user-agent", ""),
            },
            "requestId": request_id,
            "routeKey": DEFAULT_ROUTE,
            "stage": DEFAULT_STAGE,
            "time": request_time(time),
            "timeEpoch": epoch_millis(time),
        },
        **body_text,
        **null_path,
        "isBase64Encoded": is_base64_encoded,
        **null_stage,
    }


def _iam(caller: IamCaller) -> FunctionUrlIam:
    return {
        "accessKey": caller.access_key,
        "accountId": caller.account_id,
        "callerId": caller.caller_id,
        "cognitoIdentity": None,
        "principalOrgId": caller.principal_org_id,
        "userArn": caller.user_arn,
        "userId": caller.user_id,
    }
