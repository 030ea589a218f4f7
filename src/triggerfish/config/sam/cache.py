"""Translations kept on disk, so that an unchanged template never imports the translator again.

Importing the translator costs about a second; reading a cached translation costs milliseconds. The key
covers everything the output depends on: the template (after local files were staged into it), the
parameter overrides, region, account, stack name, the translator's version and this cache's own format.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

#: bump when what is stored changes meaning (e.g. how local code is written back)
CACHE_FORMAT = 1
_DISTRIBUTION = "aws-sam-translator"


def translator_version() -> str:
    """The installed translator's version, read from its metadata (no import of the translator)."""
    try:
        return metadata.version(_DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return "missing"


def translation_key(
    body: Mapping[str, Any],
    overrides: Mapping[str, str],
    *,
    region: str,
    account: str,
    stack_name: str,
) -> str:
    """SHA-256 of the canonical JSON of every input of a translation."""
    inputs = {
        "format": CACHE_FORMAT,
        "translator": translator_version(),
        "body": body,
        "overrides": dict(overrides),
        "region": region,
        "account": account,
        "stack_name": stack_name,
    }
    canonical = json.dumps(inputs, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class TranslationCache:
    """One JSON file per translation under ``directory``; unreadable entries count as misses."""

    directory: Path

    def path(self, key: str) -> Path:
        return self.directory / f"sam-{key}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        try:
            stored = json.loads(self.path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return stored if isinstance(stored, dict) else None

    def put(self, key: str, template: Mapping[str, Any]) -> None:
        """Store atomically (a temporary file renamed into place); a cache that cannot be written is skipped."""
        temporary: str | None = None
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.directory, prefix=".sam-", suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump(template, stream, ensure_ascii=False)
            os.replace(temporary, self.path(key))
        except OSError:
            if temporary is not None:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
