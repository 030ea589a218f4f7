"""ExpressionAttributeNames and ExpressionAttributeValues of one request: checked once, resolved, tracked.

Every placeholder a request sends must be used by one of its expressions, and every placeholder an
expression uses must be sent (developer guide, "Expression attribute names" and "Expression attribute
values"); the checks and their messages are DynamoDB's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from triggerfish.services.dynamodb.errors import ValidationError
from triggerfish.services.dynamodb.models import AttributeValue
from triggerfish.services.dynamodb.values import check_item

_NAME_KEY = re.compile(r"#[A-Za-z0-9_]+")
_VALUE_KEY = re.compile(r":[A-Za-z0-9_]+")


class Placeholders:
    """The two maps of one request; ``None`` means the parameter was not sent, ``{}`` that it was sent empty."""

    def __init__(self, names: Mapping[str, str] | None, values: Mapping[str, AttributeValue] | None) -> None:
        if names is not None:
            _check_keys("ExpressionAttributeNames", names, _NAME_KEY)
        if values is not None:
            _check_keys("ExpressionAttributeValues", values, _VALUE_KEY)
            values = check_item(values, what="ExpressionAttributeValues")
        self.names: Mapping[str, str] = names or {}
        self.values: Mapping[str, AttributeValue] = values or {}
        self.used: set[str] = set()

    def admit(self, placeholders: Iterable[str], kind: str, *, names_first: bool) -> None:
        """Every placeholder of one expression is defined, or AWS's error for the first that is not (in the
        order written; an UpdateExpression reports undefined names before undefined values)."""
        ordered = list(placeholders)
        if names_first:
            ordered.sort(key=lambda placeholder: placeholder[0] != "#")
        for placeholder in ordered:
            if placeholder[0] == "#":
                if placeholder not in self.names:
                    raise ValidationError(
                        f"Invalid {kind}: An expression attribute name used in the document path is not defined; "
                        f"attribute name: {placeholder}"
                    )
            elif placeholder not in self.values:
                raise ValidationError(
                    f"Invalid {kind}: An expression attribute value used in expression is not defined; "
                    f"attribute value: {placeholder}"
                )
        self.used.update(ordered)

    def name(self, placeholder: str) -> str:
        return self.names[placeholder]

    def value(self, placeholder: str) -> AttributeValue:
        return self.values[placeholder]

    def check_unused(self) -> None:
        for parameter, given in (("ExpressionAttributeNames", self.names), ("ExpressionAttributeValues", self.values)):
            unused = [key for key in given if key not in self.used]
            if unused:
                raise ValidationError(
                    f"Value provided in {parameter} unused in expressions: keys: {{{', '.join(unused)}}}"
                )


def _check_keys(parameter: str, given: Mapping[str, object], pattern: re.Pattern[str]) -> None:
    if not given:
        raise ValidationError(f"{parameter} must not be empty")
    for key in given:
        if not isinstance(key, str) or pattern.fullmatch(key) is None:
            raise ValidationError(f'{parameter} contains invalid key: Syntax error; key: "{key}"')
