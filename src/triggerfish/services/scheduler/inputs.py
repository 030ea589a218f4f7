"""Reading a request's members, whichever way they came: parsed by the wire layer (typed already) or
handed over by a deployment (numbers and dates may be text there).

A member of the wrong type, out of range or against its pattern is refused in the words AWS's request
validation uses ("1 validation error detected: Value 'x' at 'target.arn' failed to satisfy
constraint: ..."), naming the member by its path with lower-case first letters.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Mapping
from enum import StrEnum
from typing import Any, TypeVar

from triggerfish.services.scheduler.errors import ValidationException, constraint

E = TypeVar("E", bound=StrEnum)

_NOT_NULL = "Member must not be null"


class Fields:
    """The members of one structure of a request, at ``path`` within it."""

    def __init__(self, data: Mapping[str, Any], path: str = "") -> None:
        self._data = data
        self._path = path

    def has(self, name: str) -> bool:
        return self._data.get(name) is not None

    def raw(self, name: str) -> Any:
        return self._data.get(name)

    def path(self, name: str) -> str:
        java = name[:1].lower() + name[1:]
        return f"{self._path}.{java}" if self._path else java

    def text(
        self,
        name: str,
        *,
        required: bool = False,
        min_length: int = 0,
        max_length: int | None = None,
        pattern: str | None = None,
    ) -> str | None:
        value = self._present(name, required)
        if value is None:
            return None
        if not isinstance(value, str):
            raise constraint(value, self.path(name), "Member must be a string")
        if pattern is not None and re.fullmatch(pattern, value) is None:
            raise constraint(value, self.path(name), f"Member must satisfy regular expression pattern: {pattern}")
        if max_length is not None and len(value) > max_length:
            raise constraint(value, self.path(name), f"Member must have length less than or equal to {max_length}")
        if len(value) < min_length:
            raise constraint(value, self.path(name), f"Member must have length greater than or equal to {min_length}")
        return value

    def required_text(self, name: str, **limits: Any) -> str:
        value = self.text(name, required=True, **limits)
        assert value is not None
        return value

    def integer(self, name: str, *, low: int, high: int) -> int | None:
        value = self._present(name, False)
        if value is None:
            return None
        number = _integer(value)
        if number is None:
            raise constraint(value, self.path(name), "Member must be an integer")
        if number < low:
            raise constraint(number, self.path(name), f"Member must have value greater than or equal to {low}")
        if number > high:
            raise constraint(number, self.path(name), f"Member must have value less than or equal to {high}")
        return number

    def choice(self, name: str, kind: type[E], *, required: bool = False) -> E | None:
        value = self._present(name, required)
        if value is None:
            return None
        try:
            return kind(value)
        except ValueError:
            allowed = ", ".join(member.value for member in kind)
            raise constraint(value, self.path(name), f"Member must satisfy enum value set: [{allowed}]") from None

    def structure(self, name: str, *, required: bool = False) -> Fields | None:
        value = self._present(name, required)
        if value is None:
            return None
        if not isinstance(value, Mapping):
            raise constraint(value, self.path(name), "Member must be a structure")
        return Fields(value, self.path(name))

    def timestamp(self, name: str) -> float | None:
        """Epoch seconds of a datetime, a number of epoch seconds or an ISO 8601 text."""
        value = self._present(name, False)
        if value is None:
            return None
        stamp = _timestamp(value)
        if stamp is None:
            raise ValidationException(f"Invalid timestamp for {name}: {value}")
        return stamp

    def _present(self, name: str, required: bool) -> Any:
        value = self._data.get(name)
        if value is None and required:
            raise constraint(None, self.path(name), _NOT_NULL)
        return value


def _integer(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"-?[0-9]+", value.strip()):
        return int(value)
    return None


def _timestamp(value: Any) -> float | None:
    if isinstance(value, _dt.datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=_dt.UTC)
        return aware.timestamp()
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        text = value.strip()
        try:
            return float(text)
        except ValueError:
            pass
        try:
            parsed = _dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            return None
        return _timestamp(parsed)
    return None
