"""Patch operations (``UpdateRestApi``, ``UpdateStage``, ...): JSON-Patch-like edits of one object.

Paths are JSON Pointers: ``/binaryMediaTypes/image~1png`` names the media type ``image/png``
(``~1`` is ``/``, ``~0`` is ``~``, RFC 6901).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from triggerfish.services.apigateway.errors import BadRequest


@dataclass(frozen=True)
class Patch:
    op: str
    path: str
    value: str | None = None

    @property
    def segments(self) -> list[str]:
        """The path's segments after the leading ``/``, unescaped."""
        return [unescape(part) for part in self.path.split("/")[1:]]

    def key_after(self, prefix: str) -> str | None:
        """For ``/prefix/<key>``, the unescaped key (which may itself contain ``/``)."""
        head = f"/{prefix}/"
        if not self.path.startswith(head) or len(self.path) == len(head):
            return None
        return unescape(self.path[len(head) :])


def unescape(part: str) -> str:
    return part.replace("~1", "/").replace("~0", "~")


def patches(operations: Iterable[Mapping[str, Any]] | None) -> list[Patch]:
    return [Patch(str(o.get("op", "")), str(o.get("path") or ""), o.get("value")) for o in operations or ()]


def invalid_path(patch: Patch) -> BadRequest:
    # observed: "Invalid patch path /binaryMediaTypes"
    return BadRequest(f"Invalid patch path {patch.path or 'null'}")


def only_replace(patch: Patch) -> None:
    if patch.op != "replace":
        # observed UpdateRestApi/UpdateMethod answer for add/remove on a replace-only member
        raise BadRequest("Invalid patch operation specified. Must be one of: [replace]")


def unsupported(patch: Patch, allowed: str) -> BadRequest:
    """AWS's wording for a path that is not one of ``allowed`` (``/parentId, /pathPart``)."""
    if patch.op == "replace":
        return BadRequest(f"Invalid patch path  '{patch.path}' specified for op 'replace'. Must be one of: [{allowed}]")
    return BadRequest(
        f"Invalid patch path  '{patch.path}' specified for op '{patch.op}'. Please choose supported operations"
    )


def as_bool(patch: Patch) -> bool:
    return str(patch.value).lower() == "true"


def as_int(patch: Patch, problem: str) -> int | None:
    if patch.value in (None, ""):
        return None
    try:
        return int(str(patch.value))
    except ValueError:
        raise BadRequest(problem) from None


def edit_map(current: Mapping[str, Any], patch: Patch, key: str, value: Any) -> dict[str, Any]:
    """``add``/``replace`` set ``key``; ``remove`` drops it."""
    result = dict(current)
    if patch.op == "remove":
        result.pop(key, None)
    elif patch.op in ("add", "replace"):
        result[key] = value
    else:
        raise BadRequest("Invalid patch operation specified. Must be 'add'|'remove'|'replace'")
    return result
