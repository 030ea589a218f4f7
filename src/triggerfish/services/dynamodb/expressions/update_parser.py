"""The grammars of UpdateExpression and ProjectionExpression.

    update     := section+
    section    := SET set ("," set)* | REMOVE path ("," path)* | ADD path :value ("," ...)* | DELETE path :value (...)*
    set        := path "=" value | path "=" "(" value ")"
    value      := operand | operand "+" operand | operand "-" operand
    operand    := path | :value | function "(" operand ("," operand)* ")" | "(" operand ")"
    projection := path ("," path)*

Section keywords are case-insensitive and each section may appear once, in any order (developer guide,
"Using update expressions in DynamoDB").
"""

from __future__ import annotations

from triggerfish.services.dynamodb.expressions.parser import RESERVED, SECTION, UNKNOWN_FUNCTION, Parser, SyntaxFailure
from triggerfish.services.dynamodb.expressions.syntax import (
    Parsed,
    RawAction,
    RawArithmetic,
    RawCall,
    RawOperand,
    RawPath,
    RawProjection,
    RawSetValue,
    RawUpdate,
    RawValue,
    Section,
)
from triggerfish.services.dynamodb.expressions.tokens import TokenKind

#: the functions of update expressions and their number of operands (developer guide, "Using update expressions")
UPDATE_FUNCTIONS = {"if_not_exists": 2, "list_append": 2}

_SECTIONS = {section.value: section for section in Section}
# the order in which DynamoDB reports the problems an update's text shows
_ORDER = (RESERVED, UNKNOWN_FUNCTION, SECTION)


class UpdateParser(Parser):
    keywords = frozenset(_SECTIONS)

    def parse(self) -> Parsed:
        seen: set[Section] = set()
        actions: list[RawAction] = []
        while True:
            section = _SECTIONS.get(self.token.word)
            if section is None:
                if actions and self.token.kind is TokenKind.EOF:
                    break
                raise self.fail()
            self.take()
            actions.append(self.action(section))
            while self.at(","):
                self.take()
                actions.append(self.action(section))
            if section in seen:
                self.note(SECTION, f'The "{section.value}" section can only be used once in an update expression;')
            seen.add(section)
        return self.outcome(RawUpdate(tuple(actions)), _ORDER)

    def action(self, section: Section) -> RawAction:
        path = self.path()
        if section is Section.SET:
            self.expect("=")
            return RawAction(section, path, self.set_value())
        if section is Section.REMOVE:
            return RawAction(section, path, None)
        return RawAction(section, path, self.value())

    def set_value(self) -> RawSetValue:
        if not self.at("("):
            return self.arithmetic(self.operand_group())
        # "(" opens either the whole value, "(a + b)", or its first operand, "(a) + b"
        self.take()
        inner = self.arithmetic(self.operand_group())
        self.expect(")")
        return inner if isinstance(inner, RawArithmetic) else self.arithmetic(inner)

    def arithmetic(self, left: RawOperand) -> RawSetValue:
        if self.at("+") or self.at("-"):
            op = self.take().text
            return RawArithmetic(op, left, self.operand_group())
        return left

    def operand_group(self) -> RawOperand:
        if not self.at("("):
            return self.operand()
        self.take()
        operand = self.operand()
        self.expect(")")
        return operand

    def operand(self) -> RawOperand:
        token = self.token
        if token.kind is TokenKind.ATTRIBUTE_VALUE:
            return self.value()
        if self.at_call():
            return self.call()
        return self.path()

    def value(self) -> RawValue:
        token = self.token
        if token.kind is not TokenKind.ATTRIBUTE_VALUE:
            raise self.fail()
        self.take()
        self.placeholders.append(token.text)
        return RawValue(token.text)

    def call(self) -> RawCall:
        name = self.take().text
        self.expect("(")
        args = [self.operand_group()]
        while self.at(","):
            self.take()
            args.append(self.operand_group())
        self.expect(")")
        if name not in UPDATE_FUNCTIONS:
            self.note(UNKNOWN_FUNCTION, f"Invalid function name; function: {name}")
        return RawCall(name, tuple(args))


class ProjectionParser(Parser):
    def parse(self) -> Parsed:
        paths: list[RawPath] = [self.path()]
        while self.at(","):
            self.take()
            paths.append(self.path())
        self.expect_end()
        return self.outcome(RawProjection(tuple(paths)), (RESERVED,))


def parse_update(text: str, kind: str = "UpdateExpression") -> Parsed:
    try:
        return UpdateParser(text, kind).parse()
    except SyntaxFailure as failure:
        return Parsed(kind=kind, tree=None, error=failure.message, placeholders=())


def parse_projection(text: str, kind: str = "ProjectionExpression") -> Parsed:
    try:
        return ProjectionParser(text, kind).parse()
    except SyntaxFailure as failure:
        return Parsed(kind=kind, tree=None, error=failure.message, placeholders=())
