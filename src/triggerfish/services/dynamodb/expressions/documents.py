"""Reading and writing inside an item by document path (``a.b[2].c``), without mutating the input.

Writers work on a ``Draft``: a shallow copy of the item whose containers are copied the first time a
write goes through them, so an update costs what it touches, not the size of the item.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from triggerfish.services.dynamodb.errors import ValidationError
from triggerfish.services.dynamodb.expressions.ast import Path
from triggerfish.services.dynamodb.models import AttributeValue, Item

#: a SET, REMOVE, ADD or DELETE whose path runs through a missing map or a value that is no container
INVALID_PATH = "The document path provided in the update expression is invalid for update"


def resolve(item: Mapping[str, AttributeValue], path: Path) -> AttributeValue | None:
    """The value at ``path``, or ``None`` when any step is missing or walks into the wrong kind of value."""
    elements = path.elements
    value = item.get(elements[0])  # type: ignore[arg-type]
    for element in elements[1:]:
        if value is None:
            return None
        if isinstance(element, str):
            content = value.get("M")
            value = None if content is None else content.get(element)
        else:
            content = value.get("L")
            value = content[element] if content is not None and element < len(content) else None
    return value


class Draft:
    """A copy-on-write working copy of an item."""

    def __init__(self, item: Mapping[str, AttributeValue]) -> None:
        self.item: Item = dict(item)
        self._copied: set[int] = set()

    def parent(self, path: Path) -> Any:
        """The container (an item dict, an ``M`` content dict or an ``L`` list) that holds the last step of
        ``path``, copied so it may be changed; ``INVALID_PATH`` when a step on the way is missing or no container."""
        container: Any = self.item
        elements = path.elements
        for index, element in enumerate(elements[:-1]):
            value = _child(container, element)
            following = elements[index + 1]
            kind = "L" if isinstance(following, int) else "M"
            if value is None or kind not in value:
                raise ValidationError(INVALID_PATH)
            container = self._writable(container, element, value, kind)
        return container

    def _writable(self, container: Any, element: str | int, value: AttributeValue, kind: str) -> Any:
        content = value[kind]
        if id(content) in self._copied:
            return content
        copy: Any = dict(content) if kind == "M" else list(content)
        self._copied.add(id(copy))
        container[element] = {kind: copy}
        return copy

    def set(self, path: Path, value: AttributeValue) -> None:
        """SET: a list index past the end appends (DynamoDB developer guide, "SET—modifying or adding item
        attributes": adding elements to a list)."""
        container = self.parent(path)
        last = path.elements[-1]
        if isinstance(last, int):
            if last < len(container):
                container[last] = value
            else:
                container.append(value)
        else:
            container[last] = value

    def remove(self, path: Path) -> None:
        """REMOVE: a missing attribute or list element is fine; a missing parent on the way is not."""
        container = self.parent(path)
        last = path.elements[-1]
        if isinstance(last, int):
            if last < len(container):
                del container[last]
        else:
            container.pop(last, None)

    def get(self, path: Path) -> AttributeValue | None:
        return resolve(self.item, path)


def _child(container: Any, element: str | int) -> AttributeValue | None:
    if isinstance(element, int):
        return container[element] if element < len(container) else None
    value: AttributeValue | None = container.get(element)
    return value


def check_disjoint(paths: Sequence[Path], expression: str) -> None:
    """One action or projection per document path: none may lie inside another, nor use one step both as a map
    key and a list index (AWS's "Two document paths overlap/conflict" messages)."""
    for number, path in enumerate(paths):
        for earlier in paths[:number]:
            _check_pair(earlier, path, expression)


def _check_pair(one: Path, two: Path, expression: str) -> None:
    for first, second in zip(one.elements, two.elements, strict=False):
        if first == second and type(first) is type(second):
            continue
        if isinstance(first, int) != isinstance(second, int):
            raise ValidationError(
                f"Invalid {expression}: Two document paths conflict with each other; must remove or rewrite one of "
                f"these paths; path one: {_shown(one)}, path two: {_shown(two)}"
            )
        return
    raise ValidationError(
        f"Invalid {expression}: Two document paths overlap with each other; must remove or rewrite one of these "
        f"paths; path one: {_shown(one)}, path two: {_shown(two)}"
    )


def _shown(path: Path) -> str:
    return "[" + ", ".join(f"[{each}]" if isinstance(each, int) else each for each in path.elements) + "]"
