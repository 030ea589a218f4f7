"""Serving a Lambda Function URL (spec §6.6): permission or SigV4 check, CORS, the payload 2.0 event, the
invocation with the function's own timeout, and the mapping of its answer."""

from __future__ import annotations

import functools
import logging

import orjson

from triggerfish.core.clock import Clock
from triggerfish.core.errors import RequestTooLarge, TooManyRequests
from triggerfish.core.payloads.function_url import IamCaller, function_url_event
from triggerfish.gateway import errors
from triggerfish.gateway.cors import CorsPolicy, function_url_cors
from triggerfish.gateway.http_events import request_body
from triggerfish.gateway.invoke import Completed, Rejected, invoke, scope_of
from triggerfish.gateway.ports import Functions, FunctionUrlLookup, SignatureVerifier, Unauthenticated
from triggerfish.gateway.proxy_headers import v2_headers
from triggerfish.gateway.request import Request
from triggerfish.gateway.request_ids import request_id, trace_id
from triggerfish.gateway.response import Response, encode_header
from triggerfish.gateway.url_responses import url_response
from triggerfish.services.lambda_.service import Scope
from triggerfish.services.lambda_.url_config import FunctionUrlConfig, UrlCors

log = logging.getLogger(__name__)

AWS_IAM = "AWS_IAM"
DEFAULT_SCOPE = Scope()


class FunctionUrlHandler:
    def __init__(
        self,
        urls: FunctionUrlLookup,
        functions: Functions,
        clock: Clock,
        verifier: SignatureVerifier | None,
        defaults: Scope = DEFAULT_SCOPE,
    ) -> None:
        self._urls = urls
        self._defaults = defaults
        self._functions = functions
        self._clock = clock
        self._verifier = verifier
        self._cors: dict[str, tuple[UrlCors, CorsPolicy]] = {}

    async def handle(self, url_id: str, request: Request) -> Response:
        config = self._urls.lookup(url_id)
        now = self._clock.now()
        rid = request_id()
        if config is None:
            self._cors.pop(url_id, None)
            return _stamped(errors.url_forbidden(), rid, "")
        cors = self._policy(config)
        if cors is not None and CorsPolicy.is_preflight(request):
            return _stamped(cors.preflight(request), rid, "")  # Lambda answers preflights itself (§6.6)
        trace = trace_id(now)
        response = await self._serve(config, request, rid, trace, now)
        if cors is not None:
            cors.apply(request, response)
        return _stamped(response, rid, trace)

    async def _serve(self, config: FunctionUrlConfig, request: Request, rid: str, trace: str, now: float) -> Response:
        caller: IamCaller | None = None
        if config.auth_type == AWS_IAM:
            caller = await self._signer(config, request)
            if caller is None:
                return errors.url_forbidden()
        elif not self._urls.allows_unauthenticated(config):
            return errors.url_forbidden()
        if config.invoke_mode == "RESPONSE_STREAM":
            _streaming_not_reproduced()
        body, encoded = request_body(request)
        event = function_url_event(
            url_id=config.url_id,
            region=config.region,
            account=config.account,
            method=request.method,
            raw_path=request.path,
            time=now,
            request_id=rid,
            source_ip=request.source_ip,
            raw_query_string=request.query,
            headers=v2_headers(request, trace),
            body=body,
            is_base64_encoded=encoded,
            caller=caller,
        )
        # no integration timeout: the function's own timeout applies (§6.6)
        outcome = await invoke(
            self._functions,
            config.function_arn,
            orjson.dumps(event),
            scope_of(config.account, config.region, self._defaults),
            timeout=None,
            clock=self._clock,
        )
        if isinstance(outcome, Completed):
            return url_response(outcome.result, config.function_name)
        if isinstance(outcome, Rejected):
            error = outcome.error
            if isinstance(error, TooManyRequests):
                # reserved concurrency 0 or no concurrency left: a 429 (§6.6)
                return errors.url_throttled(error.fields.get("Reason"))
            if isinstance(error, RequestTooLarge):
                return errors.url_too_large(error.message)
            log.warning("%s could not be invoked: %s", config.function_arn, error.message)
        return errors.url_function_error()

    async def _signer(self, config: FunctionUrlConfig, request: Request) -> IamCaller | None:
        if self._verifier is None:
            _no_verifier()
            return None
        try:
            caller = await self._verifier.verify(
                request.method, request.path, request.query, request.headers, request.body
            )
        except Unauthenticated:
            return None
        if not self._urls.allows_caller(config, caller.account):
            return None
        return IamCaller(
            access_key=caller.access_key,
            account_id=caller.account,
            caller_id=caller.user_id or caller.access_key,
            user_arn=caller.user_arn or f"arn:aws:iam::{caller.account}:root",
            user_id=caller.user_id or caller.access_key,
        )

    def _policy(self, config: FunctionUrlConfig) -> CorsPolicy | None:
        if config.cors is None:
            return None
        cached = self._cors.get(config.url_id)
        if cached is None or cached[0] is not config.cors:
            cached = (config.cors, function_url_cors(config.cors))
            self._cors[config.url_id] = cached
        return cached[1]


def _stamped(response: Response, rid: str, trace: str) -> Response:
    response.add(b"x-amzn-RequestId", rid.encode())
    if trace:
        response.add(b"X-Amzn-Trace-Id", encode_header(trace))
    return response


@functools.cache
def _streaming_not_reproduced() -> None:
    log.warning("RESPONSE_STREAM Function URLs are answered buffered: streaming is not reproduced locally")


@functools.cache
def _no_verifier() -> None:
    log.warning("no SigV4 verifier is configured: AWS_IAM Function URLs refuse every request")
