"""What DynamoDB rejects in a well-formed expression once its placeholders are known, in AWS's order.

Each check notes the first problem of its category; the categories are reported in a fixed order
(conditions: operand counts, then operands that must be distinct, then operand types; updates: paths
that overlap, paths that conflict, then functions and operators). Literal value checks that need the
resolved tree (BETWEEN bounds, attribute_type names, ADD/DELETE operand types) are the evaluator's
``check_condition``/``check_update``, run after these.
"""

from __future__ import annotations

from collections.abc import Sequence

from triggerfish.services.dynamodb.expressions.condition_parser import CONDITION_FUNCTIONS
from triggerfish.services.dynamodb.expressions.placeholders import Placeholders
from triggerfish.services.dynamodb.expressions.resolve import elements
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
from triggerfish.services.dynamodb.expressions.update_parser import UPDATE_FUNCTIONS
from triggerfish.services.dynamodb.values import kind_of

OPERAND = "operand"
DISTINCT = "distinct"
FUNCTION = "function"
OVERLAP = "overlap"
CONFLICT = "conflict"

_CONDITION_ORDER = (OPERAND, DISTINCT, FUNCTION)
_PATH_ORDER = (OVERLAP, CONFLICT, FUNCTION)
# what attribute_type reports when its type operand is a path rather than a string value
_ANY_TYPE = "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}"

Elements = tuple[str | int, ...]


def shown(path: Elements) -> str:
    """A path as AWS shows it in messages: ``[a, b, [2]]``."""
    return "[" + ", ".join(f"[{each}]" if isinstance(each, int) else each for each in path) + "]"


def _count(name: str, count: int) -> str:
    return (
        "Incorrect number of operands for operator or function; "
        f"operator or function: {name}, number of operands: {count}"
    )


def _operand_type(name: str, kind: str) -> str:
    return f"Incorrect operand type for operator or function; operator or function: {name}, operand type: {kind}"


def _needs_path(name: str) -> str:
    return f"Operator or function requires a document path; operator or function: {name}"


class _Checker:
    def __init__(self, placeholders: Placeholders) -> None:
        self.placeholders = placeholders
        self.found: dict[str, str] = {}

    def note(self, category: str, problem: str) -> None:
        self.found.setdefault(category, problem)

    def first(self, order: Sequence[str]) -> str | None:
        return next((self.found[category] for category in order if category in self.found), None)

    def type_of(self, operand: RawOperand) -> str | None:
        if isinstance(operand, RawValue):
            return kind_of(self.placeholders.value(operand.name))
        if isinstance(operand, RawCall) and operand.name == "size":
            return "N"
        return None

    def distinct(self, operator: str, first: RawOperand, second: RawOperand) -> None:
        # "a = a" and "begins_with(a, a)" compare a path with itself: AWS refuses them
        if isinstance(first, RawPath) and isinstance(second, RawPath):
            path = elements(first, self.placeholders)
            if path == elements(second, self.placeholders):
                self.note(
                    DISTINCT,
                    "The first operand must be distinct from the remaining operands for this operator or function; "
                    f"operator: {operator}, first operand: {shown(path)}",
                )

    # -- conditions -------------------------------------------------------------------------

    def condition(self, node: RawCondition) -> None:
        if isinstance(node, RawAnd | RawOr):
            self.condition(node.left)
            self.condition(node.right)
        elif isinstance(node, RawNot):
            self.condition(node.condition)
        elif isinstance(node, RawCompare):
            self.operands((node.left, node.right))
            self.distinct(node.op.value, node.left, node.right)
        elif isinstance(node, RawBetween):
            self.operands((node.value, node.low, node.high))
        elif isinstance(node, RawIn):
            self.operands((node.value, *node.options))
        else:
            self.function(node)

    def operands(self, operands: Sequence[RawOperand]) -> None:
        for operand in operands:
            if isinstance(operand, RawCall):
                self.function(operand)

    def function(self, call: RawCall) -> None:
        self.operands(call.args)
        arity = CONDITION_FUNCTIONS.get(call.name)
        if arity is None:
            return  # an unknown function was reported before the placeholders
        args = call.args
        if len(args) != arity:
            self.note(OPERAND, _count(call.name, len(args)))
            return
        if arity == 2:
            self.distinct(call.name, args[0], args[1])
        name = call.name
        if name in ("attribute_exists", "attribute_not_exists", "attribute_type") and not isinstance(args[0], RawPath):
            self.note(FUNCTION, _needs_path(name))
        elif name == "attribute_type":
            kind = self.type_of(args[1])
            if kind != "S":
                self.note(FUNCTION, _operand_type(name, kind or _ANY_TYPE))
        elif name == "begins_with":
            for arg in args:
                kind = self.type_of(arg)
                if kind is not None and kind not in ("S", "B"):
                    self.note(FUNCTION, _operand_type(name, kind))
        elif name == "size":
            kind = self.type_of(args[0])
            if kind in ("N", "BOOL", "NULL"):
                self.note(FUNCTION, _operand_type(name, kind))
            elif not isinstance(args[0], RawPath):
                # our tree holds size(path) only: a size of a constant value is refused as a misuse
                self.note(FUNCTION, _needs_path(name))

    # -- updates and projections ------------------------------------------------------------

    def disjoint(self, paths: Sequence[RawPath]) -> None:
        """No path inside another (overlap), none using one step as a map key and as a list index (conflict)."""
        resolved = [elements(path, self.placeholders) for path in paths]
        for number, path in enumerate(resolved):
            for earlier in resolved[:number]:
                for one, two in zip(earlier, path, strict=False):
                    if isinstance(one, int) != isinstance(two, int):
                        self.note(CONFLICT, _paths("conflict", earlier, path))
                        break
                    if one != two:
                        break
                else:
                    self.note(OVERLAP, _paths("overlap", earlier, path))
                    return

    def set_value(self, value: RawSetValue) -> None:
        if not isinstance(value, RawArithmetic):
            self.update_operand(value)
            return
        self.update_operand(value.left)
        self.update_operand(value.right)
        for side in (value.left, value.right):
            # developer guide, "SET: incrementing and decrementing numeric attributes": + and - take numbers
            if isinstance(side, RawValue) and (kind := self.type_of(side)) != "N":
                self.note(FUNCTION, _operand_type(value.op, kind or ""))

    def update_operand(self, operand: RawOperand) -> None:
        if not isinstance(operand, RawCall):
            return
        for arg in operand.args:
            self.update_operand(arg)
        arity = UPDATE_FUNCTIONS.get(operand.name)
        if arity is None:
            return
        if len(operand.args) != arity:
            self.note(FUNCTION, _count(operand.name, len(operand.args)))
        elif operand.name == "if_not_exists":
            if not isinstance(operand.args[0], RawPath):
                self.note(FUNCTION, _needs_path(operand.name))
        else:
            for arg in operand.args:
                if isinstance(arg, RawValue) and (kind := self.type_of(arg)) != "L":
                    self.note(FUNCTION, _operand_type(operand.name, kind or ""))


def _paths(problem: str, one: Elements, two: Elements) -> str:
    return (
        f"Two document paths {problem} with each other; must remove or rewrite one of these paths; "
        f"path one: {shown(one)}, path two: {shown(two)}"
    )


def condition_problem(tree: RawCondition, placeholders: Placeholders) -> str | None:
    checker = _Checker(placeholders)
    checker.condition(tree)
    return checker.first(_CONDITION_ORDER)


def update_problem(tree: RawUpdate, placeholders: Placeholders) -> str | None:
    checker = _Checker(placeholders)
    checker.disjoint([action.path for action in tree.actions])
    for action in tree.actions:
        if action.section is Section.SET and action.value is not None:
            checker.set_value(action.value)
    return checker.first(_PATH_ORDER)


def projection_problem(tree: RawProjection, placeholders: Placeholders) -> str | None:
    checker = _Checker(placeholders)
    checker.disjoint(tree.paths)
    return checker.first(_PATH_ORDER)
