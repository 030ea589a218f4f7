"""The error a payload builder raises for a value the event shape cannot carry."""

from __future__ import annotations


class PayloadError(ValueError):
    """A value that has no representation in the event being built (e.g. a Python set of mixed types)."""
