"""The condition functions and ``size`` on AttributeValues (developer guide, "Comparison operator and function
reference"). Each answers ``False`` (or ``None``) for a value of a type it does not apply to: in DynamoDB a type
mismatch found in the item makes a condition false, it is no error."""

from __future__ import annotations

from decimal import Decimal

from triggerfish.services.dynamodb.models import AttributeValue
from triggerfish.services.dynamodb.values import equal

#: attribute_type's type names, in the order AWS lists them in its error message
ATTRIBUTE_TYPES = ("B", "NULL", "SS", "BOOL", "L", "BS", "N", "NS", "S", "M")
_SET_MEMBERS = {"SS": "S", "NS": "N", "BS": "B"}


def size(value: AttributeValue | None) -> AttributeValue | None:
    """``size(path)`` as a number: a string's length, a binary's bytes, a set's, list's or map's entries."""
    if value is None:
        return None
    kind, content = next(iter(value.items()))
    if kind == "S":
        # DynamoDB counts a string's UTF-16 code units (a character outside the BMP counts 2), verified on AWS
        return {"N": str(len(content.encode("utf-16-le")) // 2)}
    if kind in ("B", "SS", "NS", "BS", "L", "M"):
        return {"N": str(len(content))}
    return None


def attribute_type(value: AttributeValue | None, name: AttributeValue) -> bool:
    return value is not None and name.get("S") in ATTRIBUTE_TYPES and name["S"] in value


def begins_with(value: AttributeValue | None, prefix: AttributeValue | None) -> bool:
    """True for a string starting with a string, or a binary starting with a binary."""
    if value is None or prefix is None:
        return False
    for kind in ("S", "B"):
        if kind in value and kind in prefix:
            return bool(value[kind].startswith(prefix[kind]))
    return False


def contains(value: AttributeValue | None, operand: AttributeValue | None) -> bool:
    """A substring of a string (or binary), a member of a set, an element of a list."""
    if value is None or operand is None:
        return False
    kind, content = next(iter(value.items()))
    if kind in ("S", "B"):
        return kind in operand and operand[kind] in content
    member = _SET_MEMBERS.get(kind)
    if member is not None:
        if member not in operand:
            return False
        if member == "N":
            wanted = Decimal(operand["N"])
            return any(Decimal(each) == wanted for each in content)
        return operand[member] in content
    if kind == "L":
        return any(equal(each, operand) for each in content)
    return False
