"""Message attributes as the values an SNS filter policy compares (§5.4, attribute scope).

A ``String`` attribute is one string. A ``String.Array`` attribute is a JSON array whose elements
are compared one by one (strings, numbers, booleans, null); text that is not a JSON array gives no
values. A ``Number`` attribute is one number, so only numeric tests and exact numbers match it.
``Binary`` attributes are ignored, as if absent.
"""

from __future__ import annotations

import json
import math

from triggerfish.core.payloads.attributes import MessageAttribute

_SCALARS = (str, int, float, bool, type(None))


def attribute_values(attribute: MessageAttribute) -> list[object] | None:
    """The values a policy key sees for ``attribute``, or ``None`` when SNS ignores it."""
    if attribute.is_binary:
        return None
    text = attribute.string_value
    if text is None:
        return None
    if attribute.data_type == "String.Array":
        return _array_elements(text)
    # Custom types keep their base type's rules: "Number.int" is a number, "String.x" a string.
    if attribute.data_type.split(".", 1)[0] == "Number":
        number = _number(text)
        return [] if number is None else [number]
    return [text]


def _array_elements(text: str) -> list[object]:
    try:
        items = json.loads(text)
    except ValueError:
        return []
    if not isinstance(items, list):
        return []
    # Objects and nested arrays inside the array are not values a policy can compare.
    return [item for item in items if isinstance(item, _SCALARS)]


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return None if math.isnan(value) or math.isinf(value) else value
