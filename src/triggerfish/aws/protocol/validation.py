"""Checking parsed input against the model's constraints, and wording the result as AWS does.

AWS services built on the same framework answer a broken constraint with one message listing every
violation (observed in recorded responses, e.g. EventBridge and SNS in ``corpus/recorded``)::

    2 validation errors detected: Value 'a b' at 'name' failed to satisfy constraint: Member must
    satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+; Value null at 'targets.1.member.arn'
    failed to satisfy constraint: Member must not be null

Member paths spell names with a lower-case first letter, number list items from 1 and put
``.member`` after each list index or map key.
"""

from __future__ import annotations

import functools
import re
import warnings
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from .errors import Violation
from .model import Shape, StructureShape, as_list, as_map, as_structure, is_document

_NOT_NULL = "Member must not be null"


def find_violations(shape: StructureShape, params: Mapping[str, Any], *, constraints: bool = True) -> list[Violation]:
    """Every missing required member and, if ``constraints``, every broken min/max/enum/pattern."""
    found: list[Violation] = []
    _check_structure(shape, params, "", constraints, found)
    return found


def describe(violations: list[Violation] | tuple[Violation, ...]) -> str:
    count = len(violations)
    noun = "error" if count == 1 else "errors"
    details = "; ".join(_sentence(v) for v in violations)
    return f"{count} validation {noun} detected: {details}"


def _sentence(violation: Violation) -> str:
    shown = "null" if violation.value is None else f"'{violation.value}'"
    return f"Value {shown} at '{violation.path}' failed to satisfy constraint: {violation.constraint}"


def _check_structure(
    shape: StructureShape, value: Mapping[str, Any], prefix: str, constraints: bool, found: list[Violation]
) -> None:
    required = set(shape.required_members)
    for name, member in shape.members.items():
        path = f"{prefix}.{_java_name(name)}" if prefix else _java_name(name)
        item = value.get(name)
        if item is None:
            if name in required:
                found.append(Violation(path, None, _NOT_NULL, name))
            continue
        _check_value(member, item, path, name, constraints, found)


def _check_value(shape: Shape, value: Any, path: str, name: str, constraints: bool, found: list[Violation]) -> None:
    if constraints:
        for constraint in _constraints_broken(shape, value):
            found.append(Violation(path, render(shape, value), constraint, name))
    kind = shape.type_name
    if kind == "structure" and not is_document(shape) and isinstance(value, Mapping):
        _check_structure(as_structure(shape), value, path, constraints, found)
    elif kind == "list" and isinstance(value, list):
        member = as_list(shape).member
        for index, item in enumerate(value, 1):
            if item is not None:
                _check_value(member, item, f"{path}.{index}.member", name, constraints, found)
    elif kind == "map" and isinstance(value, Mapping):
        member = as_map(shape).value
        for key, item in value.items():
            if item is not None:
                _check_value(member, item, f"{path}.{key}.member", name, constraints, found)


def _constraints_broken(shape: Shape, value: Any) -> list[str]:
    meta = shape.metadata
    broken: list[str] = []
    kind = shape.type_name
    if kind == "string" and isinstance(value, str):
        pattern = _compiled(meta.get("pattern"))
        if pattern is not None and pattern.fullmatch(value) is None:
            broken.append(f"Member must satisfy regular expression pattern: {meta['pattern']}")
        broken += _length(meta, len(value))
        enum = meta.get("enum")
        if enum and value not in enum:
            broken.append(f"Member must satisfy enum value set: [{', '.join(enum)}]")
    elif kind in ("list", "map", "blob") and isinstance(value, list | Mapping | bytes | bytearray):
        broken += _length(meta, len(value))
    elif kind in ("integer", "long", "float", "double") and isinstance(value, int | float):
        if "min" in meta and value < meta["min"]:
            broken.append(f"Member must have value greater than or equal to {_number(meta['min'])}")
        if "max" in meta and value > meta["max"]:
            broken.append(f"Member must have value less than or equal to {_number(meta['max'])}")
    return broken


def _length(meta: Mapping[str, Any], size: int) -> list[str]:
    if "max" in meta and size > meta["max"]:
        return [f"Member must have length less than or equal to {_number(meta['max'])}"]
    if "min" in meta and size < meta["min"]:
        return [f"Member must have length greater than or equal to {_number(meta['min'])}"]
    return []


def _number(value: int | float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


# Java's Unicode classes, as near as Python's re gets (tags allow letters, digits and spaces)
_JAVA_CLASSES = {r"\p{L}": r"\w", r"\p{N}": r"\d", r"\p{Z}": r"\s"}


@functools.cache
def _compiled(pattern: str | None) -> re.Pattern[str] | None:
    """Model patterns are Java regexes; the few Python cannot compile are not enforced."""
    if not pattern:
        return None
    for java, python in _JAVA_CLASSES.items():
        pattern = pattern.replace(java, python)
    with warnings.catch_warnings():
        # Python warns where a Java class (nested sets) would mean something else to it
        warnings.simplefilter("error")
        try:
            return re.compile(pattern, re.DOTALL)
        except (re.error, FutureWarning):
            return None


def _java_name(name: str) -> str:
    return name[:1].lower() + name[1:]


def render(shape: Shape, value: Any) -> str:
    """A value as the Java services print it in validation messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, bytes | bytearray):
        # the services print the Java buffer that held the blob
        return f"java.nio.HeapByteBuffer[pos=0 lim={len(value)} cap={len(value)}]"
    if isinstance(value, datetime):
        return value.isoformat()
    kind = shape.type_name
    if kind == "list" and isinstance(value, list):
        member = as_list(shape).member
        return "[" + ", ".join(render(member, item) for item in value) + "]"
    if kind == "map" and isinstance(value, Mapping):
        member = as_map(shape).value
        return "{" + ", ".join(f"{k}={render(member, v)}" for k, v in value.items()) + "}"
    if kind == "structure" and isinstance(value, Mapping) and not is_document(shape):
        struct = as_structure(shape)
        fields = ", ".join(f"{_java_name(n)}={render(m, value.get(n))}" for n, m in struct.members.items())
        return f"{shape.name}({fields})"
    return str(value)
