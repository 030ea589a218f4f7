"""The resource tree's rules: what a path part may be and where it may go."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace

from triggerfish.services.apigateway.errors import BadRequest, Conflict
from triggerfish.services.apigateway.models import Resource

_LITERAL = re.compile(r"^[A-Za-z0-9._\-:@$~!,;=']+$")
_VARIABLE = re.compile(r"^\{[A-Za-z0-9._\-]+\+?\}$")


def is_variable(part: str) -> bool:
    return part.startswith("{") and part.endswith("}")


def is_greedy(part: str) -> bool:
    return part.endswith("+}")


def check_path_part(part: str) -> None:
    if not (_LITERAL.match(part) or _VARIABLE.match(part)):
        # AWS's wording for a path part that is neither literal nor {name} / {name+}
        raise BadRequest(
            "Resource's path part only allow a-zA-Z0-9._- and curly braces at the beginning and the end "
            "and an optional plus sign before the closing brace."
        )


def check_new_child(resources: Mapping[str, Resource], parent: Resource, part: str, moving: str | None = None) -> None:
    """May a resource named ``part`` (the resource ``moving``, when one moves) sit under ``parent``?"""
    check_path_part(part)
    if is_greedy(parent.path_part):
        # a greedy {proxy+} must be the last segment (observed CreateResource answer)
        raise BadRequest(f"Cannot create a child of a resource with a greedy path variable: {parent.path_part}")
    for sibling in resources.values():
        if sibling.parent_id != parent.id or sibling.id == moving:
            continue
        if sibling.path_part == part:
            raise Conflict(f"Another resource with the same parent already has this name: {part}")
        if is_variable(part) and is_variable(sibling.path_part):
            # only one variable path part among siblings (observed CreateResource answer)
            raise BadRequest(
                f"A sibling ({sibling.path_part}) of this resource already has a variable path part "
                "-- only one is allowed"
            )


def child_path(parent_path: str, part: str) -> str:
    return f"{parent_path.rstrip('/')}/{part}"


def descendants(resources: Mapping[str, Resource], resource_id: str) -> set[str]:
    """Every resource below ``resource_id`` (not itself)."""
    children: dict[str, list[str]] = {}
    for resource in resources.values():
        if resource.parent_id is not None:
            children.setdefault(resource.parent_id, []).append(resource.id)
    found: set[str] = set()
    pending = list(children.get(resource_id, ()))
    while pending:
        current = pending.pop()
        found.add(current)
        pending.extend(children.get(current, ()))
    return found


def with_paths(resources: Mapping[str, Resource], root_id: str) -> dict[str, Resource]:
    """The resources with every ``path`` recomputed from the tree (after a move or rename)."""
    children: dict[str, list[Resource]] = {}
    for resource in resources.values():
        if resource.parent_id is not None:
            children.setdefault(resource.parent_id, []).append(resource)
    result: dict[str, Resource] = {}
    pending = [(resources[root_id], "/")]
    while pending:
        resource, path = pending.pop()
        result[resource.id] = resource if resource.path == path else replace(resource, path=path)
        pending.extend((child, child_path(path, child.path_part)) for child in children.get(resource.id, ()))
    return {resource_id: result[resource_id] for resource_id in resources if resource_id in result}
