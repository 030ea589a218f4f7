"""The event given to ``TestEventPattern``, which EventBridge checks before matching (§4.1)."""

from __future__ import annotations

import json
from typing import Any

INVALID_EVENT = "Parameter Event is not valid."
# TestEventPattern refuses events without the envelope fields every real event carries.
REQUIRED_FIELDS = ("id", "account", "source", "time", "region", "detail-type")


class InvalidSampleEvent(ValueError):
    """The event text is not an EventBridge event; AWS answers ``ValidationException``."""

    def __init__(self) -> None:
        super().__init__(INVALID_EVENT)
        self.message = INVALID_EVENT


def parse_sample_event(text: str) -> dict[str, Any]:
    """Parse and check the event text of a ``TestEventPattern`` call."""
    try:
        event = json.loads(text)
    except ValueError:
        raise InvalidSampleEvent() from None
    if not isinstance(event, dict) or any(name not in event for name in REQUIRED_FIELDS):
        raise InvalidSampleEvent()
    return event
