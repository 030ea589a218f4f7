"""The Lambda provider: a table from operation name to a small method of one of its parts."""

from __future__ import annotations

import re

from triggerfish.aws.protocol import HttpRequest
from triggerfish.aws.providers.base import BodyLimit, Call, Reply
from triggerfish.aws.providers.lambda_.access import AccessOperations
from triggerfish.aws.providers.lambda_.functions import FunctionOperations, Operation
from triggerfish.aws.providers.lambda_.invoke import InvokeOperations
from triggerfish.aws.providers.lambda_.mappings import MappingOperations
from triggerfish.aws.providers.lambda_.settings import SettingsOperations
from triggerfish.aws.providers.lambda_.urls import UrlOperations
from triggerfish.services.lambda_.code import MAX_ZIPPED_BYTES, CodeStore
from triggerfish.services.lambda_.service import MAX_SYNC_PAYLOAD, LambdaService

# A synchronous Invoke's body is its payload: 6 MB at most (spec §1.1).
INVOKE_LIMIT = BodyLimit(MAX_SYNC_PAYLOAD, "InvokeFunction")
# A .zip uploaded directly may be 50 MB, sent base64-encoded inside a JSON body.
UPLOAD_LIMIT = BodyLimit(MAX_ZIPPED_BYTES * 4 // 3 + 1_048_576, "CreateFunction")
OTHER_LIMIT = BodyLimit(MAX_SYNC_PAYLOAD, "Lambda")
_INVOKE_PATH = re.compile(r"^/\d{4}-\d{2}-\d{2}/functions/[^/]+/invocations/?$")
_UPLOAD_PATH = re.compile(r"^/\d{4}-\d{2}-\d{2}/functions(/[^/]+/code)?/?$")


class LambdaProvider:
    def __init__(self, service: LambdaService, code: CodeStore) -> None:
        self._table: dict[str, Operation] = {
            **FunctionOperations(service, code).table(),
            **InvokeOperations(service).table(),
            **SettingsOperations(service).table(),
            **AccessOperations(service).table(),
            **MappingOperations(service).table(),
            **UrlOperations(service).table(),
        }

    def operations(self) -> frozenset[str]:
        return frozenset(self._table)

    def body_limit(self, request: HttpRequest) -> BodyLimit:
        if _INVOKE_PATH.match(request.path):
            return INVOKE_LIMIT
        if _UPLOAD_PATH.match(request.path):
            return UPLOAD_LIMIT
        return OTHER_LIMIT

    async def call(self, call: Call) -> Reply:
        return await self._table[call.operation](call)


__all__ = ["LambdaProvider"]
