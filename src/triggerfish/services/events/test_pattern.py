"""TestEventPattern: whether a pattern matches an event, with AWS's checks on both (§4.3).

The pattern goes through the same compiler as a rule's (``InvalidEventPatternException``); the event
must be a JSON object carrying the envelope fields every real event has (``ValidationException``
"Parameter Event is not valid.").
"""

from __future__ import annotations

from triggerfish.core.patterns import InvalidPattern, InvalidSampleEvent, compile_pattern, parse_sample_event
from triggerfish.services.events.errors import InvalidEventPattern, ValidationException


def matches_sample(pattern: str, event: str) -> bool:
    try:
        compiled = compile_pattern(pattern)
    except InvalidPattern as error:
        raise InvalidEventPattern(error.message) from None
    try:
        parsed = parse_sample_event(event)
    except InvalidSampleEvent as error:
        raise ValidationException(error.message) from None
    return compiled.matches(parsed)
