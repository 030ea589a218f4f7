"""Scalar values on the wire: timestamps, blobs, booleans and numbers as text.

Parsed timestamps are always timezone-aware UTC ``datetime``s; blobs are ``bytes``.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from email.utils import format_datetime, parsedate_to_datetime

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# ISO 8601 as the SDKs write it: a 'T' or space, optional fraction of any length, 'Z' or an offset.
_ISO8601 = re.compile(r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|z|[+-]\d{2}:?\d{2})?")


class ScalarError(ValueError):
    """A wire value that does not parse as the type its shape declares."""


class ShapeMismatch(ValueError):
    """A value of the wrong type for its member; ``path`` names the member."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{message} at '{path}'" if path else message)
        self.path = path


def parse_timestamp(value: str | int | float | Decimal, fmt: str) -> datetime:
    """Read a timestamp written in ``fmt``, accepting the other formats too (SDKs differ)."""
    if isinstance(value, bool):
        raise ScalarError(f"not a timestamp: {value!r}")
    if isinstance(value, int | float | Decimal):
        return from_epoch(value)
    text = value.strip()
    try:
        return from_epoch(Decimal(text))
    except (InvalidOperation, ValueError, ScalarError):
        pass
    if fmt.lower() == "rfc822" or not text[:1].isdigit():
        try:
            return parsedate_to_datetime(text).astimezone(UTC)
        except (TypeError, ValueError, IndexError) as exc:
            raise ScalarError(f"not an RFC 822 date: {value!r}") from exc
    return _parse_iso8601(text)


def _parse_iso8601(text: str) -> datetime:
    match = _ISO8601.fullmatch(text)
    if match is None:
        raise ScalarError(f"not an ISO 8601 timestamp: {text!r}")
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    micros = round(Decimal("0." + fraction) * 1_000_000) if fraction else 0
    try:
        stamp = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second), tzinfo=UTC)
    except ValueError as exc:
        raise ScalarError(f"not a valid date: {text!r}") from exc
    stamp += timedelta(microseconds=micros)
    if zone and zone not in ("Z", "z"):
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        stamp -= sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return stamp


def from_epoch(value: int | float | Decimal) -> datetime:
    number = value if isinstance(value, Decimal) else Decimal(repr(value) if isinstance(value, float) else value)
    if not number.is_finite():
        raise ScalarError(f"not a finite epoch time: {value!r}")
    micros = int((number * 1_000_000).to_integral_value())
    try:
        return _EPOCH + timedelta(microseconds=micros)
    except OverflowError as exc:
        raise ScalarError(f"epoch time out of range: {value!r}") from exc


def to_datetime(value: datetime | int | float | str) -> datetime:
    """A service's timestamp value as an aware UTC ``datetime`` (naive values are UTC)."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, int | float):
        return from_epoch(value)
    return parse_timestamp(value, "iso8601")


def format_timestamp(value: datetime | int | float | str, fmt: str) -> str | int | float:
    """Write a timestamp; epoch seconds come back as a number, the other formats as text."""
    stamp = to_datetime(value)
    kind = fmt.lower()
    if kind == "unixtimestamp":
        seconds = (stamp - _EPOCH) // timedelta(seconds=1)
        micros = stamp.microsecond
        return seconds if micros == 0 else (seconds * 1_000_000 + micros) / 1_000_000
    if kind == "rfc822":
        return format_datetime(stamp.replace(microsecond=0), usegmt=True)
    return iso8601(stamp)


def iso8601(stamp: datetime) -> str:
    """AWS writes milliseconds (``2025-01-01T00:00:00.000Z``); finer values keep their microseconds."""
    base = stamp.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    micros = stamp.microsecond
    if micros % 1000 == 0:
        return f"{base}.{micros // 1000:03d}Z"
    return f"{base}.{micros:06d}Z"


def decode_base64(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ScalarError("not valid base64") from exc


def encode_base64(value: bytes | bytearray | str) -> str:
    raw = value.encode() if isinstance(value, str) else bytes(value)
    return base64.b64encode(raw).decode("ascii")


def parse_boolean(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered == "true":
        return True
    if lowered == "false":
        return False
    raise ScalarError(f"not a boolean: {text!r}")


def parse_integer(text: str) -> int:
    try:
        return int(text.strip())
    except ValueError as exc:
        raise ScalarError(f"not an integer: {text!r}") from exc


def parse_float(text: str) -> float:
    stripped = text.strip()
    # botocore writes non-finite numbers by name
    special = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}
    if stripped in special:
        return special[stripped]
    try:
        return float(stripped)
    except ValueError as exc:
        raise ScalarError(f"not a number: {text!r}") from exc


def format_float(value: float | Decimal) -> str:
    number = float(value)
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "Infinity" if number > 0 else "-Infinity"
    return repr(number)


def format_text(value: object) -> str:
    """A scalar in a query string, header or XML text node."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float | Decimal):
        return format_float(value)
    if isinstance(value, datetime):
        return iso8601(value)
    return str(value)
