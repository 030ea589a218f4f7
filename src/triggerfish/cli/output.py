"""How the CLI talks to people: one-line errors on stderr, results on stdout."""

from __future__ import annotations

import sys


def fail(message: str) -> int:
    print(f"triggerfish: {message}", file=sys.stderr)
    return 1


def err(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
