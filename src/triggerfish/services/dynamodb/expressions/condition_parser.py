"""The grammar of ConditionExpression, FilterExpression and KeyConditionExpression.

    condition   := disjunction
    disjunction := conjunction (OR conjunction)*
    conjunction := negation (AND negation)*
    negation    := NOT negation | primary
    primary     := "(" condition ")" | operand comparison | function "(" operands ")"
    comparison  := comparator operand | BETWEEN operand AND operand | IN "(" operand ("," operand)* ")"
    operand     := path | :value | function "(" operands ")" | "(" operand ")"

NOT binds tighter than AND, AND tighter than OR (developer guide, "Condition and filter expressions:
Precedence in conditions"); keywords are case-insensitive, function names are not.
"""

from __future__ import annotations

from triggerfish.services.dynamodb.expressions.ast import Comparator
from triggerfish.services.dynamodb.expressions.parser import (
    KEY_OPERATOR,
    MISUSED_FUNCTION,
    PARENS,
    RESERVED,
    UNKNOWN_FUNCTION,
    Parser,
    SyntaxFailure,
)
from triggerfish.services.dynamodb.expressions.syntax import (
    Parsed,
    RawAnd,
    RawBetween,
    RawCall,
    RawCompare,
    RawCondition,
    RawIn,
    RawNot,
    RawOperand,
    RawOr,
    RawPath,
    RawValue,
)
from triggerfish.services.dynamodb.expressions.tokens import TokenKind

#: the functions of condition expressions and their number of operands (developer guide, "Condition and filter
#: expressions, operators, and functions")
CONDITION_FUNCTIONS = {
    "attribute_exists": 1,
    "attribute_not_exists": 1,
    "attribute_type": 2,
    "begins_with": 2,
    "contains": 2,
    "size": 1,
}
#: developer guide, "Expression parameters": at most 100 operands for IN, 300 operators per expression
MAX_IN_OPERANDS = 100
MAX_OPERATORS = 300
KEY_CONDITION = "KeyConditionExpression"

_COMPARATORS = {comparator.value: comparator for comparator in Comparator}
# the order in which DynamoDB reports the problems a condition's text shows
_ORDER = (PARENS, UNKNOWN_FUNCTION, MISUSED_FUNCTION, RESERVED, KEY_OPERATOR)
_REDUNDANT = "The expression has redundant parentheses;"

_Node = RawCondition | RawPath | RawValue


def _misused(name: str) -> str:
    return f"The function is not allowed to be used this way in an expression; function: {name}"


class ConditionParser(Parser):
    keywords = frozenset({"AND", "OR", "NOT", "BETWEEN", "IN"})

    def __init__(self, text: str, kind: str) -> None:
        super().__init__(text, kind)
        self.depth = 0
        self.operators = 0
        # the nodes that are a whole parenthesised group (by id, kept alive here), to spot "((...))"
        self.grouped: dict[int, object] = {}

    def parse(self) -> Parsed:
        tree = self.condition_of(self.disjunction())
        self.expect_end()
        if self.operators > MAX_OPERATORS:
            raise SyntaxFailure(
                f"Invalid {self.kind}: The expression contains too many operators; operator count: {self.operators}"
            )
        if self.kind == KEY_CONDITION:
            operator = _key_operator(tree)
            if operator is not None:
                # API reference, Query: a key condition is "=" on the partition key, AND, and one sort key
                # condition (= < <= > >= BETWEEN begins_with)
                self.note(KEY_OPERATOR, f"Invalid operator used in KeyConditionExpression: {operator}")
        return self.outcome(tree, _ORDER)

    # -- conditions -------------------------------------------------------------------------

    def condition_of(self, node: _Node) -> RawCondition:
        """``node`` where a condition must stand: an operand alone is a syntax error, size() a misused function."""
        if isinstance(node, RawPath | RawValue):
            raise self.fail()
        if isinstance(node, RawCall) and node.name == "size":
            self.note(MISUSED_FUNCTION, _misused("size"))
        return node

    def disjunction(self) -> _Node:
        left = self.conjunction()
        while self.at_word("OR"):
            first = self.condition_of(left)
            self.take()
            self.operators += 1
            left = RawOr(first, self.condition_of(self.conjunction()))
        return left

    def conjunction(self) -> _Node:
        left = self.negation()
        while self.at_word("AND"):
            first = self.condition_of(left)
            self.take()
            self.operators += 1
            left = RawAnd(first, self.condition_of(self.negation()))
        return left

    def negation(self) -> _Node:
        if self.at_word("NOT"):
            self.take()
            self.operators += 1
            return RawNot(self.condition_of(self.negation()))
        return self.primary()

    def primary(self) -> _Node:
        if not self.at("("):
            operand = self.operand()
            if self.at_comparison():
                return self.comparison(operand)
            if isinstance(operand, RawCall):
                return operand
            return self.bare(operand)
        self.take()
        self.depth += 1
        inner = self.disjunction()
        self.expect(")")
        self.depth -= 1
        if id(inner) in self.grouped:
            self.note(PARENS, _REDUNDANT)
        if isinstance(inner, RawPath) and (self.at(".") or self.at("[")):
            inner = self.path(head=inner)
        if isinstance(inner, RawPath | RawValue | RawCall) and self.at_comparison():
            return self.comparison(inner)
        if isinstance(inner, RawPath | RawValue):
            inner = self.bare(inner)
        self.grouped[id(inner)] = inner
        return inner

    def bare(self, operand: RawPath | RawValue) -> RawPath | RawValue:
        # an operand alone only stands inside parentheses whose comparison follows them: "(a) = :v"
        if self.depth > 0 and self.at(")"):
            return operand
        raise self.fail()

    def at_comparison(self) -> bool:
        token = self.token
        if token.kind is TokenKind.OPERATOR:
            return token.text in _COMPARATORS
        return token.word in ("BETWEEN", "IN")

    def comparison(self, left: RawOperand) -> RawCondition:
        self.check_operand(left)
        self.operators += 1
        token = self.take()
        if token.word == "BETWEEN":
            low = self.operand_group()
            if not self.at_word("AND"):
                raise self.fail()
            self.take()
            return RawBetween(left, low, self.operand_group())
        if token.word == "IN":
            self.expect("(")
            options = [self.operand_group()]
            while self.at(","):
                self.take()
                options.append(self.operand_group())
            self.expect(")")
            if len(options) > MAX_IN_OPERANDS:
                raise SyntaxFailure(
                    f"Invalid {self.kind}: The IN operator is provided with too many operands; "
                    f"number of operands: {len(options)}"
                )
            return RawIn(left, tuple(options))
        return RawCompare(_COMPARATORS[token.text], left, self.operand_group())

    # -- operands ---------------------------------------------------------------------------

    def operand(self) -> RawOperand:
        token = self.token
        if token.kind is TokenKind.ATTRIBUTE_VALUE:
            self.take()
            self.placeholders.append(token.text)
            return RawValue(token.text)
        if self.at_call():
            return self.call()
        if self.at_path():
            return self.path()
        raise self.fail()

    def operand_group(self) -> RawOperand:
        operand, _ = self._operand_group()
        self.check_operand(operand)
        return operand

    def _operand_group(self) -> tuple[RawOperand, bool]:
        if not self.at("("):
            return self.operand(), False
        self.take()
        inner, grouped = self._operand_group()
        if grouped and self.at(")"):
            self.note(PARENS, _REDUNDANT)
        self.expect(")")
        if isinstance(inner, RawPath) and (self.at(".") or self.at("[")):
            return self.path(head=inner), False
        return inner, True

    def check_operand(self, operand: RawOperand) -> None:
        # only size() gives a value; the other functions are conditions
        if isinstance(operand, RawCall) and operand.name != "size":
            self.note(MISUSED_FUNCTION, _misused(operand.name))

    def call(self) -> RawCall:
        name = self.take().text
        self.expect("(")
        args = [self.operand_group()]
        while self.at(","):
            self.take()
            args.append(self.operand_group())
        self.expect(")")
        self.operators += 1
        if name not in CONDITION_FUNCTIONS:
            self.note(UNKNOWN_FUNCTION, f"Invalid function name; function: {name}")
        return RawCall(name, tuple(args))


def _key_operator(node: RawCondition) -> str | None:
    """The first operator (in the order written) a KeyConditionExpression may not use."""
    if isinstance(node, RawOr):
        return "OR"
    if isinstance(node, RawNot):
        return "NOT"
    if isinstance(node, RawIn):
        return "IN"
    if isinstance(node, RawAnd):
        return _key_operator(node.left) or _key_operator(node.right)
    if isinstance(node, RawCall):
        return None if node.name == "begins_with" else node.name
    if isinstance(node, RawCompare) and node.op is Comparator.NE:
        return node.op.value
    operands = (node.left, node.right) if isinstance(node, RawCompare) else (node.value, node.low, node.high)
    return next((operand.name for operand in operands if isinstance(operand, RawCall)), None)


def parse_condition(text: str, kind: str) -> Parsed:
    try:
        return ConditionParser(text, kind).parse()
    except SyntaxFailure as failure:
        return Parsed(kind=kind, tree=None, error=failure.message, placeholders=())
