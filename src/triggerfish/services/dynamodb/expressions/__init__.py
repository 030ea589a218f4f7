"""DynamoDB expressions: parsing with AWS's errors (``Expressions``) and evaluation (re-exported from ``evaluate``).

One ``Expressions`` serves one request: it checks the request's ExpressionAttributeNames and
ExpressionAttributeValues, parses each of its expressions into the tree of ``ast.py`` with every
placeholder resolved, and at the end tells whether a placeholder was sent but never used.
"""

from __future__ import annotations

from collections.abc import Mapping

from triggerfish.services.dynamodb.errors import ValidationError
from triggerfish.services.dynamodb.expressions.ast import Condition, Projection, Update
from triggerfish.services.dynamodb.expressions.cache import parse
from triggerfish.services.dynamodb.expressions.evaluate import (
    KeyCondition,
    apply_update,
    check_condition,
    check_update,
    key_condition,
    matches,
    project,
    resolve,
)
from triggerfish.services.dynamodb.expressions.placeholders import Placeholders
from triggerfish.services.dynamodb.expressions.resolve import Resolver
from triggerfish.services.dynamodb.expressions.semantics import (
    condition_problem,
    projection_problem,
    update_problem,
)
from triggerfish.services.dynamodb.expressions.syntax import Parsed, RawCondition, RawProjection, RawUpdate
from triggerfish.services.dynamodb.models import AttributeValue

__all__ = [
    "CONDITION_KINDS",
    "Expressions",
    "KeyCondition",
    "apply_update",
    "key_condition",
    "matches",
    "project",
    "resolve",
]

CONDITION_KINDS = frozenset({"ConditionExpression", "FilterExpression", "KeyConditionExpression"})


class Expressions:
    """One request's placeholders and the expressions that use them.

    ``names``/``values`` are the request's ExpressionAttributeNames/ExpressionAttributeValues: ``None`` when
    the parameter was not sent (an empty map that was sent is an error, as on AWS). Every method raises
    ``ValidationError`` with AWS's message; call ``check_unused`` after the last expression.
    """

    def __init__(self, names: Mapping[str, str] | None, values: Mapping[str, AttributeValue] | None) -> None:
        self._placeholders = Placeholders(names, values)
        self._resolver = Resolver(self._placeholders)

    def condition(self, text: str, *, kind: str) -> Condition:
        """A ConditionExpression, FilterExpression or KeyConditionExpression (``kind`` names which)."""
        if kind not in CONDITION_KINDS:
            raise ValueError(f"not a condition expression: {kind}")
        tree = self._admitted(parse(kind, text), names_first=False)
        assert isinstance(tree, RawCondition)
        self._raise(kind, condition_problem(tree, self._placeholders))
        condition = self._resolver.condition(tree)
        check_condition(condition, kind=kind)
        return condition

    def update(self, text: str) -> Update:
        # an UpdateExpression reports undefined names before undefined values (dynalite, verified on AWS)
        tree = self._admitted(parse("UpdateExpression", text), names_first=True)
        assert isinstance(tree, RawUpdate)
        self._raise("UpdateExpression", update_problem(tree, self._placeholders))
        update = self._resolver.update(tree)
        check_update(update)
        return update

    def projection(self, text: str) -> Projection:
        tree = self._admitted(parse("ProjectionExpression", text), names_first=False)
        assert isinstance(tree, RawProjection)
        self._raise("ProjectionExpression", projection_problem(tree, self._placeholders))
        return self._resolver.projection(tree)

    def check_unused(self) -> None:
        """AWS's error when the request sent a placeholder none of its expressions used."""
        self._placeholders.check_unused()

    def _admitted(self, parsed: Parsed, *, names_first: bool) -> RawCondition | RawUpdate | RawProjection:
        if parsed.error is not None:
            raise ValidationError(parsed.error)
        assert parsed.tree is not None
        self._placeholders.admit(parsed.placeholders, parsed.kind, names_first=names_first)
        return parsed.tree

    @staticmethod
    def _raise(kind: str, problem: str | None) -> None:
        if problem is not None:
            raise ValidationError(f"Invalid {kind}: {problem}")
