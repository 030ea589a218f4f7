"""The expressions of one item request, parsed once: condition, update, projection, filter, key condition.

DynamoDB API reference, "Legacy conditional parameters": a request uses either expression
parameters or the legacy ones, never both; ``ExpressionAttributeNames``/``Values`` come only with
expressions. ``AttributesToGet`` is taken (as a projection of top-level names); the other legacy
parameters are refused with a message naming the expression that replaces them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from triggerfish.services.dynamodb.errors import ValidationError
from triggerfish.services.dynamodb.expressions import Expressions
from triggerfish.services.dynamodb.expressions.ast import Condition, Path, Projection, Update


@dataclass(frozen=True)
class Parsed:
    condition: Condition | None = None
    update: Update | None = None
    projection: Projection | None = None
    filter: Condition | None = None
    key: Condition | None = None


NOTHING = Parsed()


@dataclass(frozen=True)
class _Form:
    #: expression parameters the request may carry, in the order AWS lists them
    expressions: tuple[str, ...]
    #: the legacy parameters, each with the expression that replaces it
    legacy: tuple[tuple[str, str], ...]


_CONDITIONAL = (("Expected", "ConditionExpression"), ("ConditionalOperator", "ConditionExpression"))
_FORMS: dict[str, _Form] = {
    "PutItem": _Form(("ConditionExpression",), _CONDITIONAL),
    "DeleteItem": _Form(("ConditionExpression",), _CONDITIONAL),
    "UpdateItem": _Form(
        ("UpdateExpression", "ConditionExpression"), (("AttributeUpdates", "UpdateExpression"), *_CONDITIONAL)
    ),
    "GetItem": _Form(("ProjectionExpression",), (("AttributesToGet", "ProjectionExpression"),)),
    "Query": _Form(
        ("KeyConditionExpression", "FilterExpression", "ProjectionExpression"),
        (
            ("AttributesToGet", "ProjectionExpression"),
            ("KeyConditions", "KeyConditionExpression"),
            ("QueryFilter", "FilterExpression"),
            ("ConditionalOperator", "FilterExpression"),
        ),
    ),
    "Scan": _Form(
        ("FilterExpression", "ProjectionExpression"),
        (
            ("AttributesToGet", "ProjectionExpression"),
            ("ScanFilter", "FilterExpression"),
            ("ConditionalOperator", "FilterExpression"),
        ),
    ),
    # the members of TransactWriteItems and TransactGetItems
    "Put": _Form(("ConditionExpression",), ()),
    "Delete": _Form(("ConditionExpression",), ()),
    "ConditionCheck": _Form(("ConditionExpression",), ()),
    "Update": _Form(("UpdateExpression", "ConditionExpression"), ()),
    "Get": _Form(("ProjectionExpression",), ()),
    "BatchGet": _Form(("ProjectionExpression",), (("AttributesToGet", "ProjectionExpression"),)),
}


def parse_request(operation: str, params: Mapping[str, Any]) -> Parsed:
    """Every expression of the request, checked and resolved; ``NOTHING`` when it has none."""
    form = _FORMS[operation]
    modern = [name for name in form.expressions if params.get(name) is not None]
    legacy = [name for name, _ in form.legacy if params.get(name) is not None]
    if modern and legacy:
        raise ValidationError(
            "Can not use both expression and non-expression parameters in the same request: "
            f"Non-expression parameters: {{{', '.join(legacy)}}} Expression parameters: {{{', '.join(modern)}}}"
        )
    names = params.get("ExpressionAttributeNames")
    values = params.get("ExpressionAttributeValues")
    if not modern:
        if names is not None:
            raise ValidationError("ExpressionAttributeNames can only be specified when using expressions")
        if values is not None:
            _values_without_expressions(form)
        return _legacy(form, params, legacy) if legacy else NOTHING
    if values is not None and not any(
        params.get(name) is not None for name in form.expressions if name != "ProjectionExpression"
    ):
        _values_without_expressions(form)
    expressions = Expressions(names, values)
    parsed = Parsed(
        condition=_condition(expressions, params, "ConditionExpression"),
        update=None if params.get("UpdateExpression") is None else expressions.update(params["UpdateExpression"]),
        projection=None
        if params.get("ProjectionExpression") is None
        else expressions.projection(params["ProjectionExpression"]),
        filter=_condition(expressions, params, "FilterExpression"),
        key=_condition(expressions, params, "KeyConditionExpression"),
    )
    expressions.check_unused()
    return parsed


def _condition(expressions: Expressions, params: Mapping[str, Any], kind: str) -> Condition | None:
    text = params.get(kind)
    return None if text is None else expressions.condition(text, kind=kind)


def _values_without_expressions(form: _Form) -> None:
    valued = [name for name in form.expressions if name not in ("ProjectionExpression", "KeyConditionExpression")]
    verb = "is" if len(valued) == 1 else "are"
    raise ValidationError(
        f"ExpressionAttributeValues can only be specified when using expressions: {' and '.join(valued)} {verb} null"
    )


def _legacy(form: _Form, params: Mapping[str, Any], legacy: list[str]) -> Parsed:
    replacements = dict(form.legacy)
    unsupported = [name for name in legacy if name != "AttributesToGet"]
    if unsupported:
        name = unsupported[0]
        raise ValidationError(
            f"The legacy parameter {name} is not supported by this endpoint; use {replacements[name]} instead"
        )
    names = params["AttributesToGet"]
    if not names:
        raise ValidationError(
            "1 validation error detected: Value '[]' at 'attributesToGet' failed to satisfy constraint: "
            "Member must have length greater than or equal to 1"
        )
    if len(set(names)) != len(names):
        duplicate = next(name for name in names if names.count(name) > 1)
        raise ValidationError(
            f"One or more parameter values were invalid: Duplicate value in attribute name: {duplicate}"
        )
    return Parsed(projection=Projection(tuple(Path((name,), name) for name in names)))
