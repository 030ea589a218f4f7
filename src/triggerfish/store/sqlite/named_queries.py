"""SQL kept in ``.sql`` files beside this module, as named queries.

A file holds queries each introduced by a ``-- name: <identifier>`` line; the query runs until the
next header. Files are read once, when the module that needs them is imported, so a malformed file
fails at import rather than on the first request that happens to use it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from importlib import resources
from types import MappingProxyType

_PACKAGE = __name__.rpartition(".")[0]
_HEADER = re.compile(r"--\s*name:\s*(?P<name>\S*)\s*")
_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")


class QueryFileError(ValueError):
    """A ``.sql`` file of named queries is malformed."""


def parse_queries(text: str, *, source: str = "<sql>") -> Mapping[str, str]:
    """Split ``text`` into ``{name: sql}``; raises :class:`QueryFileError` when it is malformed."""
    queries: dict[str, list[str]] = {}
    current: list[str] | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.fullmatch(line.strip())
        if header is not None:
            name = header["name"]
            if _IDENTIFIER.fullmatch(name) is None:
                raise QueryFileError(f"{source}:{number}: bad query name {name!r}")
            if name in queries:
                raise QueryFileError(f"{source}:{number}: query {name!r} is defined twice")
            current = queries[name] = []
        elif current is not None:
            current.append(line)
        elif line.strip() and not line.lstrip().startswith("--"):
            raise QueryFileError(f"{source}:{number}: SQL before the first '-- name:' header")
    result: dict[str, str] = {}
    for name, lines in queries.items():
        sql = "\n".join(lines).strip()
        if not _has_code(sql):
            raise QueryFileError(f"{source}: query {name!r} is empty")
        result[name] = sql
    return MappingProxyType(result)


def load_queries(filename: str) -> Mapping[str, str]:
    """The named queries of ``filename``, a file shipped in this package."""
    text = resources.files(_PACKAGE).joinpath(filename).read_text(encoding="utf-8")
    return parse_queries(text, source=filename)


def _has_code(sql: str) -> bool:
    return any(line.strip() and not line.lstrip().startswith("--") for line in sql.splitlines())
