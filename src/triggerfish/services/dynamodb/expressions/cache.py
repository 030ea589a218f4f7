"""Parsing by kind of expression, with the parse of each text kept for the requests that send it again.

A parse depends on the text alone (placeholders stay unresolved), so the cache key is (kind, text);
requests from an application repeat a handful of texts, which then cost one dictionary lookup.
"""

from __future__ import annotations

from triggerfish.services.dynamodb.expressions.condition_parser import parse_condition
from triggerfish.services.dynamodb.expressions.syntax import Parsed
from triggerfish.services.dynamodb.expressions.update_parser import parse_projection, parse_update

#: developer guide, "Expression parameters": an expression string is at most 4 KB
MAX_EXPRESSION_BYTES = 4096
CACHE_SIZE = 4096

_cache: dict[tuple[str, str], Parsed] = {}


def parse(kind: str, text: str) -> Parsed:
    """The parse of ``text`` as ``kind`` ("ConditionExpression", "FilterExpression", "KeyConditionExpression",
    "UpdateExpression" or "ProjectionExpression"); ``Parsed.error`` holds the first error of the text alone."""
    key = (kind, text)
    parsed = _cache.get(key)
    if parsed is None:
        parsed = _parse(kind, text)
        if len(_cache) >= CACHE_SIZE:
            del _cache[next(iter(_cache))]
        _cache[key] = parsed
    return parsed


def _parse(kind: str, text: str) -> Parsed:
    # a character is at most 4 bytes of UTF-8, so short texts need no encoding to be measured
    size = len(text) if len(text) * 4 <= MAX_EXPRESSION_BYTES else len(text.encode("utf-8"))
    if size > MAX_EXPRESSION_BYTES:
        problem = f"Expression size has exceeded the maximum allowed size; expression size: {size}"
        return Parsed(kind=kind, tree=None, error=f"Invalid {kind}: {problem}", placeholders=())
    if not text.strip(" \t\r\n"):
        return Parsed(kind=kind, tree=None, error=f"Invalid {kind}: The expression can not be empty;", placeholders=())
    if kind == "UpdateExpression":
        return parse_update(text, kind)
    if kind == "ProjectionExpression":
        return parse_projection(text, kind)
    return parse_condition(text, kind)
