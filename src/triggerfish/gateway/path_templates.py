"""Path templates shared by both routers: ``/pets/{id}`` and ``/files/{proxy+}``, compiled once."""

from __future__ import annotations

import re
from dataclasses import dataclass

LITERAL, PARAMETER, GREEDY = 0, 1, 2


@dataclass(frozen=True, slots=True)
class PathTemplate:
    """``kinds`` ranks the template: at each segment a literal beats ``{param}``, which beats ``{proxy+}``,
    so sorting templates by ``kinds`` puts the most specific first (spec §6.3)."""

    text: str
    kinds: tuple[int, ...]
    names: tuple[str, ...]
    pattern: re.Pattern[str] | None  # None for an all-literal template

    @property
    def greedy(self) -> bool:
        return bool(self.kinds) and self.kinds[-1] == GREEDY

    def match(self, path: str) -> dict[str, str] | None:
        """The path parameters when ``path`` fits (raw, as requested), else None."""
        if self.pattern is None:
            return {} if path == self.text else None
        found = self.pattern.fullmatch(path)
        if found is None:
            return None
        return dict(zip(self.names, found.groups(), strict=True))


def compile_template(text: str) -> PathTemplate:
    kinds: list[int] = []
    names: list[str] = []
    parts: list[str] = []
    segments = text.strip("/").split("/") if text.strip("/") else []
    for segment in segments:
        if segment.startswith("{") and segment.endswith("+}"):
            kinds.append(GREEDY)
            names.append(segment[1:-2])
            parts.append("(.+)")  # the greedy variable is last and takes the rest, slashes included
        elif segment.startswith("{") and segment.endswith("}"):
            kinds.append(PARAMETER)
            names.append(segment[1:-1])
            parts.append("([^/]+)")
        else:
            kinds.append(LITERAL)
            parts.append(re.escape(segment))
    normal = "/" + "/".join(segments)
    if not names:
        return PathTemplate(normal, tuple(kinds), (), None)
    return PathTemplate(normal, tuple(kinds), tuple(names), re.compile("/" + "/".join(parts)))
