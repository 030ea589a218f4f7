"""Error documents and marshalling, in the shapes AWS's Python runtime produces (spec §1.5)."""

from __future__ import annotations

import decimal
import json
import math
import os
import traceback
from types import TracebackType
from typing import Any

MALFORMED_HANDLER_NAME = "Runtime.MalformedHandlerName"
BUILT_IN_MODULE_CONFLICT = "Runtime.BuiltInModuleConflict"
IMPORT_MODULE_ERROR = "Runtime.ImportModuleError"
USER_CODE_SYNTAX_ERROR = "Runtime.UserCodeSyntaxError"
HANDLER_NOT_FOUND = "Runtime.HandlerNotFound"
UNMARSHAL_ERROR = "Runtime.UnmarshalError"
MARSHAL_ERROR = "Runtime.MarshalError"
CONTEXT_UNMARSHAL_ERROR = "Runtime.LambdaContextUnmarshalError"


class Fault(Exception):
    """A runtime fault with an AWS ``errorType`` (not an error raised by user code)."""

    def __init__(self, error_type: str, message: str, trace: list[str] | None = None) -> None:
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.trace = trace or []


def error_document(message: str, error_type: str, trace: list[str], request_id: str) -> dict[str, Any]:
    return {"errorMessage": message, "errorType": error_type, "requestId": request_id, "stackTrace": trace}


def user_error_document(exc: BaseException, request_id: str, runtime_files: tuple[str, ...]) -> dict[str, Any]:
    """``errorType`` is the bare class name; the stack trace starts at the first user frame."""
    frames = traceback.extract_tb(exc.__traceback__)
    while frames and frames[0].filename.startswith(runtime_files):
        frames = traceback.StackSummary.from_list(list(frames)[1:])
    return error_document(str(exc), type(exc).__name__, traceback.format_list(frames), request_id)


def trace_of(tb: TracebackType | None) -> list[str]:
    return traceback.format_list(traceback.extract_tb(tb))


class _Encoder(json.JSONEncoder):
    def default(self, o: Any) -> Any:
        # The Python runtime writes Decimals as numbers (DynamoDB hands them out), NaN as NaN.
        if isinstance(o, decimal.Decimal):
            if o.is_nan():
                return math.nan
            return int(o) if o == o.to_integral_value() else float(o)
        return super().default(o)


_encoders: dict[bool, _Encoder] = {}


def _encoder() -> _Encoder:
    # The 3.12 runtime writes non-ASCII characters as they are; the others escape them.
    ensure_ascii = os.environ.get("AWS_EXECUTION_ENV") != "AWS_Lambda_python3.12"
    encoder = _encoders.get(ensure_ascii)
    if encoder is None:
        encoder = _encoders[ensure_ascii] = _Encoder(ensure_ascii=ensure_ascii)
    return encoder


def marshal(result: Any) -> tuple[bytes, str]:
    if isinstance(result, bytes):
        return result, "application/unknown"
    try:
        text = _encoder().encode(result)
    except Exception as exc:
        raise Fault(MARSHAL_ERROR, f"Unable to marshal response: {exc}") from None
    return text.encode(), "application/json"


def unmarshal(payload: bytes) -> Any:
    try:
        return json.loads(payload) if payload else None
    except Exception as exc:
        raise Fault(UNMARSHAL_ERROR, f"Unable to unmarshal input: {exc}") from None
