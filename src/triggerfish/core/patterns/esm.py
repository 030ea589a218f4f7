"""Lambda event-source-mapping ``FilterCriteria`` (§2.2 filtering, §7.1).

Filters use the EventBridge pattern language on a view of each record:

* SQS: the record itself. Its ``body`` is matched as JSON when the body is a JSON object and the
  pattern filters on fields inside ``body``; a pattern that lists values for ``body`` itself
  matches a plain-text body. A mismatch between the two drops the message.
* Kinesis: ``{"data": <the base64-decoded JSON payload>}``; only ``data`` can be filtered.
* DynamoDB Streams: the stream record (``eventName``, ``dynamodb`` with its images, ...).

A record passes when any filter matches it; no filters at all pass every record. Patterns AWS
rejects raise ``InvalidPattern`` with Lambda's single message for them.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from triggerfish.core.patterns.compiled import CompiledPattern, compile_pattern
from triggerfish.core.patterns.errors import InvalidPattern
from triggerfish.core.patterns.flatten import FlatEvent, flatten
from triggerfish.core.patterns.matcher import SubRuleMatcher
from triggerfish.core.patterns.model import SubRule

INVALID_FILTER = "Invalid filter pattern definition."


class EventSource(Enum):
    SQS = "sqs"
    KINESIS = "kinesis"
    DYNAMODB = "dynamodb"

    @property
    def data_key(self) -> str:
        """The record key whose content filters look inside (§2.2, §7.1)."""
        return {"sqs": "body", "kinesis": "data", "dynamodb": "dynamodb"}[self.value]


class _Needs(Enum):
    ANY = "any"
    JSON = "json"
    TEXT = "text"


def _needs(sub_rule: SubRule, key: str) -> _Needs | None:
    """What the data key must hold for this sub-rule to be able to match; ``None`` for never."""
    inside = any(f.path.startswith(key + ".") for f in sub_rule.fields)
    itself = any(f.path == key for f in sub_rule.fields)
    if inside and itself:
        return None
    if inside:
        return _Needs.JSON
    return _Needs.TEXT if itself else _Needs.ANY


@dataclass(frozen=True)
class _Branch:
    matcher: SubRuleMatcher
    needs: _Needs


@dataclass(frozen=True)
class EsmFilter:
    """One compiled ``Filters[].Pattern``."""

    source: EventSource
    pattern: CompiledPattern
    branches: tuple[_Branch, ...]


@dataclass(frozen=True)
class FilterCriteria:
    """All filters of one mapping; ``matches(record)`` decides whether Lambda sees the record."""

    source: EventSource
    filters: tuple[EsmFilter, ...]

    def matches(self, record: Mapping[str, Any]) -> bool:
        if not self.filters:
            return True
        views = _Views(self.source, record)
        return any(views.matches(f) for f in self.filters)


def compile_filter(source: EventSource, pattern: str) -> EsmFilter:
    """Compile one filter pattern; raises ``InvalidPattern("Invalid filter pattern definition.")``."""
    try:
        compiled = compile_pattern(pattern)
    except InvalidPattern:
        raise InvalidPattern(INVALID_FILTER) from None
    branches = []
    for sub_rule, matcher in zip(compiled.ast.sub_rules, compiled.matchers, strict=True):
        needs = _needs(sub_rule, source.data_key)
        # Stream payloads can only be filtered as JSON; a plain-value pattern for them is rejected.
        if needs is _Needs.TEXT and source is not EventSource.SQS:
            raise InvalidPattern(INVALID_FILTER)
        if needs is not None:
            branches.append(_Branch(matcher, needs))
    return EsmFilter(source, compiled, tuple(branches))


def compile_filter_criteria(source: EventSource, patterns: Iterable[str]) -> FilterCriteria:
    return FilterCriteria(source, tuple(compile_filter(source, p) for p in patterns))


def _json_object(text: object) -> dict[str, Any] | None:
    if not isinstance(text, str | bytes):
        return None
    try:
        parsed = json.loads(text)
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


class _Views:
    """The record as filters see it, built lazily: the data key as JSON, or as received."""

    def __init__(self, source: EventSource, record: Mapping[str, Any]) -> None:
        self.source = source
        self.record = record
        self._parsed: dict[str, Any] | None = None
        self._parsed_done = False
        self._flat: dict[tuple[int, bool], FlatEvent] = {}

    def _payload(self) -> dict[str, Any] | None:
        if not self._parsed_done:
            self._parsed_done = True
            if self.source is EventSource.SQS:
                self._parsed = _json_object(self.record.get("body"))
            elif self.source is EventSource.KINESIS:
                self._parsed = _json_object(_kinesis_data(self.record))
            else:
                dynamodb = self.record.get("dynamodb")
                self._parsed = dynamodb if isinstance(dynamodb, dict) else None
        return self._parsed

    def _view(self, as_json: bool) -> Mapping[str, Any]:
        if self.source is EventSource.KINESIS:
            return {"data": self._payload()} if as_json else {}
        if self.source is EventSource.DYNAMODB or not as_json:
            return self.record
        return {**self.record, "body": self._payload()}

    def matches(self, esm_filter: EsmFilter) -> bool:
        payload_is_json = self._payload() is not None
        for branch in esm_filter.branches:
            if branch.needs is _Needs.JSON and not payload_is_json:
                continue
            if branch.needs is _Needs.TEXT and payload_is_json:
                continue
            as_json = payload_is_json and branch.needs is not _Needs.TEXT
            key = (id(esm_filter), as_json)
            flat = self._flat.get(key)
            if flat is None:
                flat = self._flat[key] = flatten(self._view(as_json), esm_filter.pattern.paths)
            if branch.matcher.check(flat):
                return True
        return False


def _kinesis_data(record: Mapping[str, Any]) -> bytes | None:
    kinesis = record.get("kinesis")
    data = kinesis.get("data") if isinstance(kinesis, Mapping) else record.get("data")
    if not isinstance(data, str):
        return None
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        return None
