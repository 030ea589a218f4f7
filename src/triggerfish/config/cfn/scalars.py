"""Scalars as CloudFormation sees them: every number and boolean is text once it is inside a template."""

from __future__ import annotations

from typing import Any


def is_scalar(value: Any) -> bool:
    return isinstance(value, str | int | float)  # bool is an int


def scalar_text(value: Any) -> str | None:
    """The text CloudFormation makes of a scalar (``True`` -> ``"true"``, ``128`` -> ``"128"``); None otherwise."""
    # CloudFormation passes parameter values, mapping values and literals on as strings
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return number_text(value)
    return None


def number_text(value: float) -> str:
    """``3.0`` -> ``"3"``, ``1.5`` -> ``"1.5"``: numbers as a template author wrote them."""
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)
