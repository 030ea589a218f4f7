"""An :class:`ApiState` as the JSON document it is stored as, and back.

Contents are written once each and referred to by key, so the live content and the deployments that
captured the same object share one copy on disk and, after a restart, one object in memory again.
Fields are read by their type hints: a document written before a field existed reads with its default.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from collections.abc import Mapping
from typing import Any, TypeVar

from triggerfish.services.apigatewayv2.models import Api, ApiState, Content, Deployment, Stage

T = TypeVar("T")


def encode_state(state: ApiState) -> str:
    keys: dict[int, str] = {}
    contents: dict[str, Any] = {}

    def key_of(content: Content) -> str:
        if id(content) not in keys:
            keys[id(content)] = f"c{len(keys)}"
            contents[keys[id(content)]] = _plain(content)
        return keys[id(content)]

    live = key_of(state.content)
    deployments = []
    for deployment in state.deployments.values():
        shape = _plain(dataclasses.replace(deployment, content=None))
        shape["content"] = key_of(deployment.content) if deployment.content is not None else None
        deployments.append(shape)
    document = {
        "api": _plain(state.api),
        "content": live,
        "contents": contents,
        "stages": [_plain(stage) for stage in state.stages.values()],
        "deployments": deployments,
    }
    return json.dumps(document, sort_keys=True)


def decode_state(text: str) -> ApiState:
    document = json.loads(text)
    contents = {key: build(Content, shape) for key, shape in document["contents"].items()}
    deployments: dict[str, Deployment] = {}
    for shape in document.get("deployments", []):
        key = shape.get("content")
        deployment = build(Deployment, {name: value for name, value in shape.items() if name != "content"})
        deployments[deployment.id] = dataclasses.replace(deployment, content=contents.get(key) if key else None)
    stages = [build(Stage, shape) for shape in document.get("stages", [])]
    return ApiState(
        build(Api, document["api"]),
        contents[document["content"]],
        {stage.name: stage for stage in stages},
        deployments,
    )


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def build(cls: type[T], shape: Mapping[str, Any]) -> T:
    """An instance of the dataclass ``cls`` from its plain form; unknown keys are ignored."""
    hints = _hints(cls)
    values = {name: _convert(hints[name], shape[name]) for name in hints if name in shape}
    return cls(**values)


_HINTS: dict[type[Any], dict[str, Any]] = {}


def _hints(cls: type[Any]) -> dict[str, Any]:
    found = _HINTS.get(cls)
    if found is None:
        names = {f.name for f in dataclasses.fields(cls)}
        found = _HINTS[cls] = {name: hint for name, hint in typing.get_type_hints(cls).items() if name in names}
    return found


def _convert(hint: Any, value: Any) -> Any:
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        if value is None:
            return None
        (inner,) = (arg for arg in typing.get_args(hint) if arg is not type(None))
        return _convert(inner, value)
    if origin is tuple:
        (item, *_) = typing.get_args(hint)
        return tuple(_convert(item, v) for v in value)
    if origin in (Mapping, dict):
        _, item = typing.get_args(hint)
        return {str(k): _convert(item, v) for k, v in value.items()}
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return build(hint, value)
    if hint is float and isinstance(value, int):
        return float(value)
    return value
