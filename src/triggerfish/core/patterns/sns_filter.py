"""SNS subscription filter policies (§5.4): compiled once, matched against every publish.

``compile_filter_policy`` validates a policy the way SNS does at Subscribe / SetSubscriptionAttributes
time and returns a :class:`FilterPolicy`; its ``matches`` picks the message attributes or the JSON
body according to the policy's scope.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from triggerfish.core.patterns.compiled import CompiledPattern
from triggerfish.core.patterns.flatten import FlatEvent
from triggerfish.core.patterns.jsontext import Members, PatternSyntaxError, from_python, parse_pattern_text
from triggerfish.core.patterns.sns_filter_checks import PolicyFault, check_limits, parse_policy
from triggerfish.core.patterns.sns_filter_match import attribute_values
from triggerfish.core.payloads.attributes import MessageAttribute

MESSAGE_ATTRIBUTES = "MessageAttributes"
MESSAGE_BODY = "MessageBody"
# The largest filter policy SNS accepts: 256 KB (§5.4).
MAX_POLICY_BYTES = 256 * 1024
NOT_AN_OBJECT = "Filter is not an object"
NESTED_IN_ATTRIBUTES = "Filter policy scope MessageAttributes does not support nested filter policy"


class InvalidFilterPolicy(ValueError):
    """A policy SNS rejects.

    ``reason`` is AWS's text after ``"FilterPolicy: "`` (for example ``"Filter policy can not have more
    than 5 keys"``); ``message`` is the text after ``"Invalid parameter: "`` (some faults, such as a
    nested policy in attribute scope, carry no ``FilterPolicy:`` label).
    """

    def __init__(self, reason: str, *, labelled: bool = True) -> None:
        super().__init__(reason)
        self.reason = reason
        self.message = f"FilterPolicy: {reason}" if labelled else reason


@dataclass(frozen=True)
class FilterPolicy:
    """A validated policy; the ``matches*`` methods are pure and cheap to call per publish."""

    scope: str
    pattern: CompiledPattern = field(repr=False)

    @property
    def is_empty(self) -> bool:
        """``{}`` lets every message through."""
        return not any(sub_rule.fields for sub_rule in self.pattern.ast.sub_rules)

    def matches(self, message: str, attributes: Mapping[str, MessageAttribute]) -> bool:
        """Whether a publish with this body and these attributes reaches the subscription."""
        if self.scope == MESSAGE_BODY:
            return self.matches_body(message)
        return self.matches_attributes(attributes)

    def matches_attributes(self, attributes: Mapping[str, MessageAttribute]) -> bool:
        flat = FlatEvent()
        values = flat.values
        for path in self.pattern.paths.leaves:
            attribute = attributes.get(path)
            if attribute is not None:
                found = attribute_values(attribute)
                if found is not None:
                    values[path] = found
        return self.pattern.matches_flat(flat)

    def matches_body(self, message: str) -> bool:
        # Payload-based filtering needs a JSON object body; anything else matches only ``{}`` (§5.4).
        if self.is_empty:
            return True
        body = _parse_body(message)
        return body is not None and self.pattern.matches(body)


@lru_cache(maxsize=16)
def _parse_body(message: str) -> Mapping[str, Any] | None:
    # One publish is filtered for every subscription of its topic, so the same body is parsed once.
    try:
        body = json.loads(message)
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def compile_filter_policy(policy: str | Mapping[str, Any], scope: str = MESSAGE_ATTRIBUTES) -> FilterPolicy:
    """Validate and compile a filter policy for ``scope``; raises :class:`InvalidFilterPolicy`."""
    root = _root(policy)
    try:
        parsed = parse_policy(root)
        check_limits(parsed)
    except PolicyFault as fault:
        raise InvalidFilterPolicy(fault.reason) from None
    if parsed.nested and scope != MESSAGE_BODY:
        raise InvalidFilterPolicy(NESTED_IN_ATTRIBUTES, labelled=False)
    return FilterPolicy(scope, CompiledPattern.from_ast(parsed.ast))


def _root(policy: str | Mapping[str, Any]) -> Members:
    if isinstance(policy, str):
        if len(policy.encode("utf-8", "surrogatepass")) > MAX_POLICY_BYTES:
            raise InvalidFilterPolicy("Filter policy is too long")
        try:
            root, _ = parse_pattern_text(policy)
        except PatternSyntaxError as error:
            raise InvalidFilterPolicy(_parse_failure(error.reason)) from None
    else:
        try:
            root = from_python(policy)
        except TypeError:
            root = None
    if not isinstance(root, Members):
        # The rule reader's wording; like its other faults, reported without the location line.
        raise InvalidFilterPolicy(NOT_AN_OBJECT)
    return root


def _parse_failure(reason: str) -> str:
    # SNS reports the reader's message with the source text withheld from the location line.
    message, _, location = reason.partition("\n at [Source: ")
    if not location:
        return f"failed to parse JSON. {message}"
    _, _, position = location.rpartition("; line: ")
    hidden = "REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled)"
    return f"failed to parse JSON. {message}\n at [Source: {hidden}; line: {position}"
