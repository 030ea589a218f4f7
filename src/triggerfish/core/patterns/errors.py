"""The error raised for a pattern that its service would reject."""

from __future__ import annotations

from typing import NoReturn


class InvalidPattern(ValueError):
    """A pattern its service rejects; ``message`` is the text AWS returns for it.

    ``reason`` is the part after any fixed prefix (for EventBridge, the text after
    ``"Event pattern is not valid. Reason: "``), so other dialects can re-word it.
    """

    def __init__(self, message: str, reason: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.reason = message if reason is None else reason


EVENTBRIDGE_PREFIX = "Event pattern is not valid. Reason: "


def eventbridge_error(reason: str) -> InvalidPattern:
    """An ``InvalidEventPatternException`` message as EventBridge words it (§4.3)."""
    return InvalidPattern(EVENTBRIDGE_PREFIX + reason, reason)


def reject(reason: str) -> NoReturn:
    """Raise EventBridge's error for ``reason``."""
    raise eventbridge_error(reason)
