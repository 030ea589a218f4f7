"""DynamoDB AttributeValues: validation with AWS's messages, canonical numbers, ordering, equality, sizes.

Values are the wire form the json codec hands over (see ``models.py``): B and BS hold ``bytes``.
Numbers are kept as canonical decimal text (no exponent, no trailing zeros) so that equal numbers
have equal text; arithmetic and ordering go through ``decimal.Decimal``.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from decimal import Context, Decimal
from typing import Any

from triggerfish.services.dynamodb.errors import ValidationError
from triggerfish.services.dynamodb.models import AttributeValue, Item

#: DynamoDB's maximum item size, 400 KB (developer guide, "Service, account, and table quotas")
MAX_ITEM_SIZE = 409_600

#: numbers have up to 38 significant digits (developer guide, "Supported data types: Number")
NUMBER_CONTEXT = Context(prec=38)
#: a context wide enough to hold any exact sum of two valid numbers before it is checked
WIDE_CONTEXT = Context(prec=400, Emin=-999_999, Emax=999_999)

TYPES = frozenset({"S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS"})
# the syntax Java's BigDecimal accepts, which is what DynamoDB parses numbers with
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_EMPTY = "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
_SEVERAL = (
    "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes"
)
_INVALID = "One or more parameter values were invalid: "
# AWS's own wording, double space included
_EMPTY_SET = {
    "SS": _INVALID + "An string set  may not be empty",
    "NS": _INVALID + "An number set  may not be empty",
    "BS": _INVALID + "Binary sets should not be empty",
}
_ORDERED = frozenset({"S", "N", "B"})


class _Invalid(Exception):
    """A message for ``check_item`` to word as the parameter it checks wants."""


def canonical_number(text: str) -> str:
    """The canonical text of a DynamoDB number: ``"1.50"`` -> ``"1.5"``, ``"1E2"`` -> ``"100"``, ``"-0"`` -> ``"0"``."""
    try:
        return _canonical(text)
    except _Invalid as error:
        raise ValidationError(str(error)) from None


def number_text(number: Decimal) -> str:
    """The canonical text of the result of arithmetic, checked against DynamoDB's range and precision."""
    try:
        return _checked(number)
    except _Invalid as error:
        raise ValidationError(str(error)) from None


def _canonical(text: Any) -> str:
    if not isinstance(text, str):
        raise _Invalid(_EMPTY)
    # the common case, a plain integer already in canonical form
    if len(text) <= 38 and text.isascii() and text.isdigit() and (text[0] != "0" or text == "0"):
        return text
    if _NUMBER.fullmatch(text) is None:
        raise _Invalid(f"The parameter cannot be converted to a numeric value: {text}")
    return _checked(Decimal(text))


def _checked(number: Decimal) -> str:
    if not number:
        return "0"
    # magnitudes from 1E-130 up to (not including) 1E+126 (developer guide, "Supported data types: Number")
    exponent = number.adjusted()
    if exponent > 125:
        raise _Invalid("Number overflow. Attempting to store a number with magnitude larger than supported range")
    if exponent < -130:
        raise _Invalid("Number underflow. Attempting to store a number with magnitude smaller than supported range")
    digits = number.as_tuple().digits
    significant = len(digits)
    while significant and digits[significant - 1] == 0:
        significant -= 1
    if significant > NUMBER_CONTEXT.prec:
        raise _Invalid("Attempting to store more than 38 significant digits in a Number")
    return format(number.normalize(NUMBER_CONTEXT), "f")


def number(value: AttributeValue) -> Decimal:
    """The Decimal of an ``{"N": ...}`` value (or of one NS member's text)."""
    return Decimal(value["N"])


def check_value(value: Any) -> AttributeValue:
    """One AttributeValue, validated as DynamoDB does; numbers come back canonical."""
    try:
        return _value(value)
    except _Invalid as error:
        raise ValidationError(str(error)) from None


def check_item(item: Mapping[str, Any], *, what: str = "item") -> Item:
    """Every AttributeValue of ``item``, validated, with canonical numbers.

    ``what`` is ``"item"`` (or ``"key"``) for an item or key, whose errors AWS words plainly, or the name of a
    parameter such as ``"ExpressionAttributeValues"``, whose errors AWS words per placeholder:
    ``ExpressionAttributeValues contains invalid value: <problem> for key :v``.
    """
    if not isinstance(item, Mapping):
        raise ValidationError(f"{_INVALID}Invalid {what}")
    checked: Item = {}
    for name, value in item.items():
        try:
            checked[name] = _value(value)
        except _Invalid as error:
            if what.lower() in ("item", "key"):
                raise ValidationError(str(error)) from None
            raise ValidationError(f"{what} contains invalid value: {error} for key {name}") from None
    return checked


def _value(value: Any) -> AttributeValue:
    if not isinstance(value, Mapping):
        raise _Invalid(_EMPTY)
    present = [kind for kind, content in value.items() if content is not None]
    if not present:
        raise _Invalid(_EMPTY)
    if len(present) > 1:
        raise _Invalid(_SEVERAL)
    kind = present[0]
    content = value[kind]
    if kind == "S":
        if not isinstance(content, str):
            raise _Invalid(_EMPTY)
        return {"S": content}
    if kind == "N":
        return {"N": _canonical(content)}
    if kind == "B":
        if not isinstance(content, bytes | bytearray):
            raise _Invalid(_EMPTY)
        return {"B": bytes(content)}
    if kind == "BOOL":
        if not isinstance(content, bool):
            raise _Invalid(_EMPTY)
        return {"BOOL": content}
    if kind == "NULL":
        # DynamoDB API reference, AttributeValue NULL: "Null attribute value types must have the value of true"
        if content is not True:
            raise _Invalid(f"{_INVALID}Null attribute value types must have the value of true")
        return {"NULL": True}
    if kind == "M":
        if not isinstance(content, Mapping):
            raise _Invalid(_EMPTY)
        return {"M": {name: _value(each) for name, each in content.items()}}
    if kind == "L":
        if not isinstance(content, list | tuple):
            raise _Invalid(_EMPTY)
        return {"L": [_value(each) for each in content]}
    if kind in _EMPTY_SET:
        return {kind: _set(kind, content)}
    raise _Invalid(_EMPTY)


def _set(kind: str, content: Any) -> list[Any]:
    if not isinstance(content, list | tuple):
        raise _Invalid(_EMPTY)
    # an attribute value cannot be an empty set (developer guide, "Supported data types: Sets")
    if not content:
        raise _Invalid(_EMPTY_SET[kind])
    if kind == "SS":
        if not all(isinstance(each, str) for each in content):
            raise _Invalid(_EMPTY)
        members: list[Any] = list(content)
    elif kind == "NS":
        members = [_canonical(each) for each in content]
    else:
        if not all(isinstance(each, bytes | bytearray) for each in content):
            raise _Invalid(_EMPTY)
        members = [bytes(each) for each in content]
    # the members of a set are unique (developer guide, "Supported data types: Sets")
    if len(set(members)) != len(members):
        raise _Invalid(_duplicates(kind, members))
    return members


def _duplicates(kind: str, members: list[Any]) -> str:
    # AWS's current wording: no members for a number set; otherwise the members before the first repeat in byte
    # order, then the repeat, then the rest as sent (quoted; a binary set without spaces and naming its type)
    if kind == "NS":
        return f"{_INVALID}Input collection contains duplicates."
    seen: list[Any] = []
    shown: list[Any] = members
    for index, member in enumerate(members):
        if member in seen:
            shown = [*sorted(seen), member, *members[index + 1 :]]
            break
        seen.append(member)
    if kind == "SS":
        quoted = ", ".join(f'"{each}"' for each in shown)
        return f"{_INVALID}Input collection [{quoted}] contains duplicates."
    quoted = ",".join(f'"{base64.b64encode(each).decode("ascii")}"' for each in shown)
    return f"{_INVALID}Input collection [{quoted}]of type BS contains duplicates."


def kind_of(value: AttributeValue) -> str:
    """The type name of a (valid) AttributeValue: ``S``, ``N``, ``M``, ..."""
    return next(iter(value))


def compare(a: AttributeValue, b: AttributeValue) -> int | None:
    """-1, 0 or 1 as DynamoDB orders two scalars of one type: S by UTF-8 bytes, N by value, B as unsigned bytes;
    ``None`` when the types differ or are not ordered."""
    kind = next(iter(a))
    if kind not in _ORDERED or kind not in b:
        return None
    x = _ordinal(kind, a[kind])
    y = _ordinal(kind, b[kind])
    return 1 if x > y else -1 if x < y else 0


def _ordinal(kind: str, content: Any) -> Any:
    # UTF-8 byte order is code point order, so Python's str order already is DynamoDB's
    return Decimal(content) if kind == "N" else content


def sort_key(value: AttributeValue) -> tuple[Any, ...]:
    """A Python sort key for S, N and B key values that orders them as DynamoDB does (one type per key)."""
    kind, content = next(iter(value.items()))
    if kind == "N":
        return (1, Decimal(content))
    if kind == "S":
        return (0, content)
    return (2, bytes(content))


def equal(a: AttributeValue, b: AttributeValue) -> bool:
    """Deep equality as DynamoDB judges it: sets as sets, numbers by value."""
    kind = next(iter(a))
    if kind not in b:
        return False
    x, y = a[kind], b[kind]
    if kind == "N":
        return bool(x == y or Decimal(x) == Decimal(y))
    if kind in ("S", "B", "BOOL", "NULL"):
        return bool(x == y)
    if kind == "M":
        return x.keys() == y.keys() and all(equal(x[name], y[name]) for name in x)
    if kind == "L":
        return len(x) == len(y) and all(equal(p, q) for p, q in zip(x, y, strict=True))
    if kind == "NS":
        return {Decimal(each) for each in x} == {Decimal(each) for each in y}
    return set(x) == set(y)


def key_text(key: Mapping[str, AttributeValue]) -> str:
    """Stable text naming one primary key: attributes by name, each length-prefixed so no two keys collide."""
    parts = []
    for name in sorted(key):
        kind, content = next(iter(key[name].items()))
        text = base64.b64encode(content).decode("ascii") if kind == "B" else str(content)
        parts.append(f"{len(name)}:{name}{kind}{len(text)}:{text}")
    return "".join(parts)


def item_size(item: Mapping[str, AttributeValue]) -> int:
    """An item's size as DynamoDB counts it (developer guide, "Item sizes and formats"): each attribute's UTF-8
    name plus its value."""
    return sum(len(name.encode("utf-8")) + value_size(value) for name, value in item.items())


def value_size(value: AttributeValue) -> int:
    kind, content = next(iter(value.items()))
    if kind == "S":
        return len(content.encode("utf-8"))
    if kind == "N":
        return _number_size(content)
    if kind == "B":
        return len(content)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "SS":
        return sum(len(each.encode("utf-8")) for each in content)
    if kind == "NS":
        return sum(_number_size(each) for each in content)
    if kind == "BS":
        return sum(len(each) for each in content)
    # lists and maps: 3 bytes of overhead plus 1 byte per element
    if kind == "L":
        return 3 + sum(1 + value_size(each) for each in content)
    return 3 + len(content) + item_size(content)


def _number_size(text: str) -> int:
    # one byte per two significant digits (leading and trailing zeros trimmed), plus one
    digits = text.lstrip("-").replace(".", "").strip("0") or "0"
    return (len(digits) + 1) // 2 + 1


def to_json(item: Mapping[str, AttributeValue]) -> dict[str, Any]:
    """The item as JSON-ready data: B and BS as base64 text (stream records, storage)."""
    return {name: _value_json(value) for name, value in item.items()}


def _value_json(value: AttributeValue) -> Any:
    kind, content = next(iter(value.items()))
    if kind == "B":
        return {"B": base64.b64encode(content).decode("ascii")}
    if kind == "BS":
        return {"BS": [base64.b64encode(each).decode("ascii") for each in content]}
    if kind == "M":
        return {"M": {name: _value_json(each) for name, each in content.items()}}
    if kind == "L":
        return {"L": [_value_json(each) for each in content]}
    return value


def from_json(data: Mapping[str, Any]) -> Item:
    """The inverse of ``to_json``."""
    return {name: _value_from(value) for name, value in data.items()}


def _value_from(value: Any) -> AttributeValue:
    kind, content = next(iter(value.items()))
    if kind == "B":
        return {"B": base64.b64decode(content)}
    if kind == "BS":
        return {"BS": [base64.b64decode(each) for each in content]}
    if kind == "M":
        return {"M": {name: _value_from(each) for name, each in content.items()}}
    if kind == "L":
        return {"L": [_value_from(each) for each in content]}
    return dict(value)
