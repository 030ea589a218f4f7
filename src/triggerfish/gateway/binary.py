"""Which bodies travel as base64: a REST API's ``binaryMediaTypes``, an HTTP API's fixed text types."""

from __future__ import annotations

from collections.abc import Iterable

# observed on HTTP APIs (and Function URLs, the same engine): bodies of these types arrive as text,
# every other type, a missing Content-Type and form posts included, arrives base64-encoded
_TEXT_TYPES = frozenset({"application/json", "application/xml", "application/javascript"})


def media_type(content_type: str | None) -> str:
    """``text/html; charset=utf-8`` -> ``text/html``."""
    if not content_type:
        return ""
    return content_type.partition(";")[0].strip().lower()


def is_text_body(content_type: str | None) -> bool:
    media = media_type(content_type)
    return media.startswith("text/") or media in _TEXT_TYPES


class BinaryMediaTypes:
    """A REST API's ``binaryMediaTypes``; ``image/*`` and ``*/*`` are wildcards."""

    def __init__(self, patterns: Iterable[str]) -> None:
        self._exact: set[str] = set()
        self._prefixes: list[str] = []
        self._any = False
        for pattern in patterns:
            pattern = pattern.strip().lower()
            if pattern in ("*/*", "*"):
                self._any = True
            elif pattern.endswith("/*"):
                self._prefixes.append(pattern[:-1])
            elif pattern:
                self._exact.add(pattern)
        self.empty = not (self._any or self._exact or self._prefixes)

    def matches(self, content_type: str | None) -> bool:
        if self.empty:
            return False
        if self._any:
            return True
        media = media_type(content_type)
        return bool(media) and (media in self._exact or any(media.startswith(prefix) for prefix in self._prefixes))

    def accepts(self, accept: str | None) -> bool:
        """Whether the response goes out binary: only the first media type of ``Accept`` counts
        (API Gateway content type conversions, "only honors the first Accept media type")."""
        if self.empty:
            return False
        if self._any:
            return True
        first = (accept or "").partition(",")[0]
        return self.matches(first)
