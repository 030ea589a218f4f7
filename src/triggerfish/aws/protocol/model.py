"""Typed views of botocore's service models, the single source of every wire rule we follow.

botocore ships no type information, so its model objects are described here as ``Protocol``s with
just the attributes the wire layer reads, and every model is loaded through :func:`load_service`.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any, Protocol, cast

from botocore.exceptions import DataNotFoundError, UnknownServiceError
from botocore.loaders import create_loader
from botocore.model import ServiceModel as _BotocoreServiceModel


class Shape(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def type_name(self) -> str: ...
    @property
    def serialization(self) -> Mapping[str, Any]: ...
    @property
    def metadata(self) -> Mapping[str, Any]: ...


class StructureShape(Shape, Protocol):
    @property
    def members(self) -> Mapping[str, Shape]: ...
    @property
    def required_members(self) -> Sequence[str]: ...
    @property
    def error_code(self) -> str | None: ...


class ListShape(Shape, Protocol):
    @property
    def member(self) -> Shape: ...


class MapShape(Shape, Protocol):
    @property
    def key(self) -> Shape: ...
    @property
    def value(self) -> Shape: ...


class OperationModel(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def http(self) -> Mapping[str, Any]: ...
    @property
    def input_shape(self) -> StructureShape | None: ...
    @property
    def output_shape(self) -> StructureShape | None: ...
    @property
    def error_shapes(self) -> Sequence[StructureShape]: ...
    @property
    def service_model(self) -> ServiceModel: ...
    @property
    def deprecated(self) -> bool: ...


class ServiceModel(Protocol):
    @property
    def service_name(self) -> str: ...
    @property
    def metadata(self) -> Mapping[str, Any]: ...
    @property
    def operation_names(self) -> Sequence[str]: ...
    @property
    def error_shapes(self) -> Sequence[StructureShape]: ...
    def operation_model(self, operation_name: str) -> OperationModel: ...
    def __hash__(self) -> int: ...


class UnknownService(LookupError):
    """No botocore model exists for the service name."""


@functools.cache
def load_service(name: str) -> ServiceModel:
    """The newest botocore model of service ``name`` (``sqs``, ``s3``, ``lambda``, ...)."""
    try:
        description = _loader().load_service_model(name, "service-2")
    except (UnknownServiceError, DataNotFoundError) as exc:
        raise UnknownService(name) from exc
    return cast(ServiceModel, _BotocoreServiceModel(description, service_name=name))


@functools.cache
def _loader() -> Any:
    return create_loader()


def protocol_of(service: ServiceModel) -> str:
    """The wire protocol; a model listing several (``protocols``) speaks the first we know."""
    listed = service.metadata.get("protocols") or [service.metadata["protocol"]]
    for name in listed:
        if name in ("json", "query", "rest-json", "rest-xml"):
            return str(name)
    return str(listed[0])


def operation(service: ServiceModel, name: str) -> OperationModel | None:
    if name not in _operation_names(service):
        return None
    return service.operation_model(name)


@functools.cache
def _operation_names(service: ServiceModel) -> frozenset[str]:
    return frozenset(service.operation_names)


def as_structure(shape: Shape) -> StructureShape:
    _expect(shape, "structure")
    return cast(StructureShape, shape)


def as_list(shape: Shape) -> ListShape:
    _expect(shape, "list")
    return cast(ListShape, shape)


def as_map(shape: Shape) -> MapShape:
    _expect(shape, "map")
    return cast(MapShape, shape)


def _expect(shape: Shape, type_name: str) -> None:
    if shape.type_name != type_name:
        raise TypeError(f"shape {shape.name} is a {shape.type_name}, not a {type_name}")


def wire_name(shape: Shape, member_name: str) -> str:
    """The name a member travels under: its ``locationName`` if it has one."""
    return str(shape.serialization.get("name", member_name))


def location(shape: Shape) -> str | None:
    value = shape.serialization.get("location")
    return None if value is None else str(value)


def is_document(shape: Shape) -> bool:
    return bool(shape.metadata.get("document"))


def payload_member(shape: StructureShape) -> str | None:
    value = shape.serialization.get("payload")
    return None if value is None else str(value)


def is_streaming(shape: Shape) -> bool:
    return bool(shape.serialization.get("streaming"))


def timestamp_format(shape: Shape, default: str) -> str:
    """``timestampFormat`` of a member, spelled as botocore spells it (``unixTimestamp``...)."""
    return str(shape.serialization.get("timestampFormat", default))


def streaming_input_member(op: OperationModel) -> str | None:
    """The input member that is a raw streaming body (S3 ``Body``), if the operation has one."""
    shape = op.input_shape
    if shape is None:
        return None
    name = payload_member(shape)
    if name is None:
        return None
    member = shape.members[name]
    return name if member.type_name == "blob" and is_streaming(member) else None


def error_shape(service: ServiceModel, code: str) -> StructureShape | None:
    """The modelled error whose shape name or wire code is ``code``."""
    return _error_index(service).get(code)


@functools.cache
def _error_index(service: ServiceModel) -> dict[str, StructureShape]:
    index: dict[str, StructureShape] = {}
    for shape in service.error_shapes:
        index[shape.name] = shape
        if shape.error_code:
            index.setdefault(shape.error_code, shape)
    return index
