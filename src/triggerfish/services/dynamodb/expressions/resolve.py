"""Turning a cached syntax tree into the tree of ``ast.py`` for one request: placeholders become names and values.

Runs only after every placeholder is known to be defined and the semantic checks have passed.
"""

from __future__ import annotations

from triggerfish.services.dynamodb.expressions.ast import (
    AddAction,
    And,
    Arithmetic,
    Between,
    Comparison,
    Condition,
    DeleteAction,
    Function,
    FunctionName,
    IfNotExists,
    In,
    ListAppend,
    Literal,
    Not,
    Operand,
    Or,
    Path,
    Projection,
    RemoveAction,
    SetAction,
    Size,
    Update,
    UpdateAction,
    UpdateValue,
)
from triggerfish.services.dynamodb.expressions.placeholders import Placeholders
from triggerfish.services.dynamodb.expressions.syntax import (
    RawAnd,
    RawArithmetic,
    RawBetween,
    RawCall,
    RawCompare,
    RawCondition,
    RawIn,
    RawNot,
    RawOperand,
    RawOr,
    RawPath,
    RawProjection,
    RawSetValue,
    RawUpdate,
    RawValue,
    Section,
)

_FUNCTIONS = {name.value: name for name in FunctionName}


def elements(path: RawPath, placeholders: Placeholders) -> tuple[str | int, ...]:
    """The path's elements with each ``#name`` replaced by the attribute name it stands for."""
    if path.fixed is not None:
        return path.elements
    return tuple(
        placeholders.name(element) if isinstance(element, str) and element[0] == "#" else element
        for element in path.elements
    )


class Resolver:
    def __init__(self, placeholders: Placeholders) -> None:
        self.placeholders = placeholders

    def path(self, path: RawPath) -> Path:
        if path.fixed is not None:
            return path.fixed
        return Path(elements(path, self.placeholders), path.text)

    def literal(self, value: RawValue) -> Literal:
        return Literal(self.placeholders.value(value.name), value.name)

    def condition(self, node: RawCondition) -> Condition:
        if isinstance(node, RawAnd):
            return And(self.condition(node.left), self.condition(node.right))
        if isinstance(node, RawOr):
            return Or(self.condition(node.left), self.condition(node.right))
        if isinstance(node, RawNot):
            return Not(self.condition(node.condition))
        if isinstance(node, RawCompare):
            return Comparison(node.op, self.operand(node.left), self.operand(node.right))
        if isinstance(node, RawBetween):
            return Between(self.operand(node.value), self.operand(node.low), self.operand(node.high))
        if isinstance(node, RawIn):
            return In(self.operand(node.value), tuple(self.operand(option) for option in node.options))
        return Function(_FUNCTIONS[node.name], tuple(self.operand(arg) for arg in node.args))

    def operand(self, operand: RawOperand) -> Operand:
        if isinstance(operand, RawPath):
            return self.path(operand)
        if isinstance(operand, RawValue):
            return self.literal(operand)
        # the checks let only size(path) through as a function operand
        argument = operand.args[0]
        assert isinstance(argument, RawPath)
        return Size(self.path(argument))

    def update(self, update: RawUpdate) -> Update:
        actions: list[UpdateAction] = []
        for action in update.actions:
            path = self.path(action.path)
            if action.section is Section.SET:
                assert action.value is not None
                actions.append(SetAction(path, self.update_value(action.value)))
            elif action.section is Section.REMOVE:
                actions.append(RemoveAction(path))
            else:
                assert isinstance(action.value, RawValue)
                literal = self.literal(action.value)
                actions.append(
                    AddAction(path, literal) if action.section is Section.ADD else DeleteAction(path, literal)
                )
        return Update(tuple(actions))

    def update_value(self, value: RawSetValue) -> UpdateValue:
        if isinstance(value, RawArithmetic):
            return Arithmetic(value.op, self.update_value(value.left), self.update_value(value.right))
        if isinstance(value, RawPath):
            return self.path(value)
        if isinstance(value, RawValue):
            return self.literal(value)
        return self.call(value)

    def call(self, call: RawCall) -> UpdateValue:
        first, second = call.args
        if call.name == "if_not_exists":
            assert isinstance(first, RawPath)
            return IfNotExists(self.path(first), self.update_value(second))
        return ListAppend(self.update_value(first), self.update_value(second))

    def projection(self, projection: RawProjection) -> Projection:
        return Projection(tuple(self.path(path) for path in projection.paths))
