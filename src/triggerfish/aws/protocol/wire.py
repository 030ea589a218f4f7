"""What every protocol implementation provides, and the values passed between them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from .http import Headers, HttpRequest, HttpResponse
from .model import OperationModel, ServiceModel

#: Parameters as botocore takes them: ``str``, ``int``, ``float``, ``bool``, ``bytes``, aware
#: ``datetime``, lists and dicts of those, and a byte stream for a streaming payload member.
Params = dict[str, Any]


@dataclass(frozen=True, slots=True)
class ParsedRequest:
    operation: OperationModel
    params: Params

    @property
    def name(self) -> str:
        return self.operation.name


@dataclass(frozen=True, slots=True)
class WireError:
    """An error with everything decided that the protocol needs to write it."""

    code: str
    message: str
    status: int
    sender_fault: bool
    fields: Mapping[str, object] = field(default_factory=dict)


class WireProtocol(Protocol):
    def parse(self, service: ServiceModel, request: HttpRequest) -> ParsedRequest: ...

    def serialize(
        self, operation: OperationModel, result: Mapping[str, Any], request_id: str, status: int | None
    ) -> HttpResponse: ...

    def serialize_error(
        self, service: ServiceModel, operation: OperationModel | None, error: WireError, request_id: str
    ) -> HttpResponse: ...


def response_headers(request_id: str, content_type: str | None, **extra: str) -> Headers:
    """The headers every AWS JSON and query response carries."""
    items = {"x-amzn-RequestId": request_id}
    if content_type:
        items["Content-Type"] = content_type
    items.update(extra)
    return Headers(items)
