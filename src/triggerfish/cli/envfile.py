"""``KEY=VALUE`` files (``.env`` style) and ``--env`` pairs."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path


def read_env_file(path: Path | None, pairs: Iterable[str] = ()) -> dict[str, str]:
    """Variables from ``path`` (blank lines, ``#`` comments and ``export`` prefixes allowed), then ``pairs``."""
    variables: dict[str, str] = {}
    lines = path.read_text().splitlines() if path else []
    for line in [*lines, *pairs]:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.removeprefix("export ").partition("=")
        if not sep or not key.strip():
            raise ValueError(f"not KEY=VALUE: {line}")
        variables[key.strip()] = value.strip().strip("'\"")
    return variables
