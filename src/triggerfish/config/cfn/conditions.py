"""The ``Conditions`` section: each condition evaluated once, conditions referring to conditions, no cycles.

A condition is a boolean operation (Fn::Equals, Fn::And, Fn::Or, Fn::Not, Condition) on parameters,
pseudo parameters, mappings and other conditions; it cannot see resources ("Conditions" reference).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from triggerfish.config.cfn import messages
from triggerfish.config.cfn.scalars import scalar_text
from triggerfish.config.errors import TemplateError

#: evaluates a non-boolean argument (of Fn::Equals) at a location
ValueFunction = Callable[[Any, str], Any]

BOOLEAN_FUNCTIONS = frozenset({"Fn::Equals", "Fn::And", "Fn::Or", "Fn::Not", "Condition"})
# Fn::And and Fn::Or take between 2 and 10 conditions
_MIN_OPERANDS, _MAX_OPERANDS = 2, 10


class ConditionTable:
    """The value of every condition of a template, solved on first use and kept."""

    def __init__(self, expressions: Mapping[str, Any], value: ValueFunction) -> None:
        self._expressions = expressions
        self._value = value
        self._results: dict[str, bool] = {}
        self._solving: list[str] = []

    def solve_all(self) -> None:
        for name in self._expressions:
            self.get(name)

    def __contains__(self, name: object) -> bool:
        return name in self._expressions

    def get(self, name: str) -> bool:
        if name in self._results:
            return self._results[name]
        if name not in self._expressions:
            raise TemplateError(f"Template format error: Condition {name} is not defined in the Conditions section")
        if name in self._solving:
            cycle = self._solving[self._solving.index(name) :]
            raise TemplateError(messages.circular_conditions(cycle), where=f"Conditions.{name}")
        self._solving.append(name)
        try:
            where = f"Conditions.{name}"
            expression = self._expressions[name]
            if not _is_boolean_function(expression):
                raise TemplateError(messages.CONDITION_NOT_BOOLEAN, where=where)
            result = self.boolean(expression, where)
        finally:
            self._solving.pop()
        self._results[name] = result
        return result

    def boolean(self, expression: Any, where: str, value: ValueFunction | None = None) -> bool:
        """A condition function's result; ``value`` evaluates Fn::Equals operands (default: as in Conditions)."""
        if not _is_boolean_function(expression):
            raise TemplateError(messages.CONDITION_NOT_BOOLEAN, where=where)
        ((function, argument),) = expression.items()
        at = f"{where}.{function}"
        evaluate = value or self._value
        if function == "Condition":
            if not isinstance(argument, str) or argument not in self._expressions:
                raise TemplateError(messages.unresolved_condition_in(str(argument), "Condition"), where=at)
            return self.get(argument)
        if function == "Fn::Equals":
            if not isinstance(argument, list) or len(argument) != 2:
                raise TemplateError(messages.EQUALS_ARGUMENTS, where=at)
            left, right = (scalar_text(evaluate(item, f"{at}[{index}]")) for index, item in enumerate(argument))
            if left is None or right is None:
                raise TemplateError(messages.EQUALS_ARGUMENTS, where=at)
            return left == right
        if function == "Fn::Not":
            if not isinstance(argument, list) or len(argument) != 1:
                raise TemplateError(messages.NOT_ARGUMENTS, where=at)
            return not self._operand(argument[0], f"{at}[0]", messages.NOT_ARGUMENTS, value)
        if not isinstance(argument, list) or not _MIN_OPERANDS <= len(argument) <= _MAX_OPERANDS:
            raise TemplateError(messages.and_or_arguments(function), where=at)
        # every operand is evaluated (no short cut) so that a broken one is reported whatever the others say
        results = [
            self._operand(item, f"{at}[{index}]", messages.and_or_arguments(function), value)
            for index, item in enumerate(argument)
        ]
        return all(results) if function == "Fn::And" else any(results)

    def _operand(self, operand: Any, where: str, problem: str, value: ValueFunction | None) -> bool:
        if not _is_boolean_function(operand):
            raise TemplateError(problem, where=where)
        return self.boolean(operand, where, value)


def _is_boolean_function(expression: Any) -> bool:
    return isinstance(expression, Mapping) and len(expression) == 1 and next(iter(expression)) in BOOLEAN_FUNCTIONS
