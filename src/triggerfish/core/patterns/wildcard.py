"""``wildcard`` patterns: ``*`` matches any run of characters, ``\\*`` and ``\\\\`` are literal."""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field


class WildcardError(ValueError):
    """A malformed wildcard; the message is AWS's reason text."""


@dataclass(frozen=True)
class WildcardPattern:
    """A parsed wildcard: the literal runs between its ``*`` characters."""

    text: str
    segments: tuple[str, ...]
    _regex: re.Pattern[str] | None = field(default=None, compare=False, repr=False)

    def matches(self, value: str) -> bool:
        if self._regex is None:
            return value == self.segments[0]
        return self._regex.fullmatch(value) is not None


def parse_wildcard(text: str) -> WildcardPattern:
    """Parse a wildcard; raises :class:`WildcardError` with AWS's reason."""
    segments: list[str] = []
    current: list[str] = []
    # AWS reports positions as UTF-8 byte offsets into the value wrapped in double quotes.
    position = 1
    index = 0
    while index < len(text):
        char = text[index]
        if char == "*":
            if index + 1 < len(text) and text[index + 1] == "*":
                raise WildcardError(f"Consecutive wildcard characters at pos {position}")
            segments.append("".join(current))
            current = []
        elif char == "\\":
            following = text[index + 1] if index + 1 < len(text) else ""
            if following not in ("*", "\\"):
                raise WildcardError(f"Invalid escape character at pos {position}")
            current.append(following)
            index += 1
            position += 1
        else:
            current.append(char)
        position += len(char.encode("utf-8", "surrogatepass"))
        index += 1
    segments.append("".join(current))
    regex = None
    if len(segments) > 1:
        regex = re.compile(".*".join(re.escape(s) for s in segments), re.DOTALL)
    return WildcardPattern(text, tuple(segments), regex)


def wildcard_complexity(patterns: tuple[WildcardPattern, ...]) -> int:
    """The most pattern positions any one input can keep alive at once across ``patterns``.

    Every ``*`` followed by text that can repeat lets a matcher track one more partial match per
    repetition; AWS caps this to keep matching linear.
    """
    tokens: list[list[str | None]] = []
    alphabet: set[str] = {"\0"}
    for pattern in patterns:
        row: list[str | None] = []
        for number, segment in enumerate(pattern.segments):
            if number:
                row.append(None)
            row.extend(segment)
            alphabet.update(segment)
        tokens.append(row)

    def close(states: set[tuple[int, int]]) -> frozenset[tuple[int, int]]:
        pending = list(states)
        seen = set(states)
        while pending:
            which, at = pending.pop()
            row = tokens[which]
            if at < len(row) and row[at] is None and (which, at + 1) not in seen:
                seen.add((which, at + 1))
                pending.append((which, at + 1))
        return frozenset(seen)

    start = close({(which, 0) for which in range(len(tokens))})
    seen_sets = {start}
    queue = deque([start])
    worst = 0
    while queue:
        active = queue.popleft()
        live = sum(1 for which, at in active if at < len(tokens[which]))
        worst = max(worst, live)
        for char in alphabet:
            moved: set[tuple[int, int]] = set()
            for which, at in active:
                row = tokens[which]
                if at >= len(row):
                    continue
                if row[at] is None:
                    moved.add((which, at))
                elif row[at] == char:
                    moved.add((which, at + 1))
            if moved:
                following = close(moved)
                if following not in seen_sets:
                    seen_sets.add(following)
                    queue.append(following)
    return worst
