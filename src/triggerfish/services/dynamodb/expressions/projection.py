"""ProjectionExpression: the part of an item a read returns (developer guide, "Using projection expressions").

Nested paths keep their shape: ``a.b`` gives ``{"a": {"M": {"b": ...}}}`` and ``a[2]`` gives
``{"a": {"L": [<element 2>]}}``: the list holds the projected elements in index order, so their positions
are not kept. Paths that lead nowhere are left out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from triggerfish.services.dynamodb.expressions.ast import Path, Projection
from triggerfish.services.dynamodb.expressions.documents import check_disjoint, resolve
from triggerfish.services.dynamodb.models import AttributeValue, Item


@dataclass
class _Node:
    """A container being rebuilt: ``M`` children by name, ``L`` children by their old index."""

    kind: str
    children: dict[str | int, _Node | AttributeValue] = field(default_factory=dict)


def project(projection: Projection, item: Mapping[str, AttributeValue]) -> Item:
    """The attributes and nested parts of ``item`` that ``projection`` names."""
    top = _Node("M")
    for path in projection.paths:
        value = resolve(item, path)
        if value is not None:
            _place(top, path, value)
    return {name: _built(child) for name, child in top.children.items()}  # type: ignore[misc]


def _place(top: _Node, path: Path, value: AttributeValue) -> None:
    node = top
    elements = path.elements
    for index, element in enumerate(elements[:-1]):
        child = node.children.get(element)
        if isinstance(child, dict):
            return  # an enclosing path is projected whole already
        if child is None:
            child = _Node("L" if isinstance(elements[index + 1], int) else "M")
            node.children[element] = child
        node = child
    node.children[elements[-1]] = value


def _built(child: _Node | AttributeValue) -> AttributeValue:
    if isinstance(child, dict):
        return child
    if child.kind == "M":
        return {"M": {str(name): _built(each) for name, each in child.children.items()}}
    return {"L": [_built(child.children[index]) for index in sorted(child.children, key=int)]}


def check_projection(projection: Projection) -> None:
    """Each path once, none inside another, with AWS's ProjectionExpression messages."""
    check_disjoint(projection.paths, "ProjectionExpression")
