"""What the condition, update and projection parsers share: a token cursor, paths, and DynamoDB's errors.

A syntax error stops the parse at once. Other problems the text alone shows (redundant parentheses,
an unknown or misused function, a reserved word, a repeated section) are noted by category and the
parse goes on: DynamoDB reports them in a fixed order of categories, not in the order written.
"""

from __future__ import annotations

from collections.abc import Sequence

from triggerfish.services.dynamodb.expressions.reserved import is_reserved
from triggerfish.services.dynamodb.expressions.syntax import Parsed, RawCondition, RawPath, RawProjection, RawUpdate
from triggerfish.services.dynamodb.expressions.tokens import Token, TokenKind, tokenize

RESERVED = "reserved"
PARENS = "parens"
UNKNOWN_FUNCTION = "unknown function"
MISUSED_FUNCTION = "misused function"
SECTION = "section"
KEY_OPERATOR = "key operator"


class SyntaxFailure(Exception):
    """Parsing stopped: ``message`` is DynamoDB's whole error message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Parser:
    """A cursor over the tokens of one expression; subclasses hold the grammar."""

    #: names that are words of the grammar, never attribute names (case-insensitive)
    keywords: frozenset[str] = frozenset()

    def __init__(self, text: str, kind: str) -> None:
        self.text = text
        self.kind = kind
        self.tokens = tokenize(text)
        self.pos = 0
        self.problems: dict[str, str] = {}
        self.placeholders: list[str] = []

    # -- the cursor ---------------------------------------------------------------------------

    @property
    def token(self) -> Token:
        return self.tokens[self.pos]

    def ahead(self, offset: int = 1) -> Token:
        return self.tokens[min(self.pos + offset, len(self.tokens) - 1)]

    def at(self, operator: str) -> bool:
        token = self.tokens[self.pos]
        return token.kind is TokenKind.OPERATOR and token.text == operator

    def at_word(self, word: str) -> bool:
        return self.tokens[self.pos].word == word

    def take(self) -> Token:
        token = self.tokens[self.pos]
        if token.kind is not TokenKind.EOF:
            self.pos += 1
        return token

    def expect(self, operator: str) -> Token:
        if not self.at(operator):
            raise self.fail()
        return self.take()

    def expect_end(self) -> None:
        if self.token.kind is not TokenKind.EOF:
            raise self.fail()

    # -- errors -----------------------------------------------------------------------------

    def fail(self) -> SyntaxFailure:
        """A syntax error at the current token, worded as DynamoDB words it: the token, and the text from
        the token before it to the token after it."""
        token = self.tokens[self.pos]
        before = self.tokens[self.pos - 1] if self.pos > 0 else token
        if token.kind is TokenKind.EOF:
            end = len(self.text)
        else:
            after = self.tokens[self.pos + 1]
            end = token.end if after.kind is TokenKind.EOF else after.end
        near = self.text[before.start : end]
        return SyntaxFailure(f'Invalid {self.kind}: Syntax error; token: "{token.text}", near: "{near}"')

    def note(self, category: str, problem: str) -> None:
        """Keep the first problem of each category; the parse goes on."""
        self.problems.setdefault(category, problem)

    def outcome(self, tree: RawCondition | RawUpdate | RawProjection, order: Sequence[str]) -> Parsed:
        category = next((category for category in order if category in self.problems), None)
        error = None
        if category is not None:
            problem = self.problems[category]
            # the key condition operator message is the one error without the "Invalid <kind>: " prefix
            error = problem if category == KEY_OPERATOR else f"Invalid {self.kind}: {problem}"
        return Parsed(kind=self.kind, tree=tree, error=error, placeholders=tuple(self.placeholders))

    # -- paths ------------------------------------------------------------------------------

    def at_path(self) -> bool:
        token = self.tokens[self.pos]
        if token.kind is TokenKind.ATTRIBUTE_NAME:
            return True
        return token.kind is TokenKind.NAME and token.word not in self.keywords

    def at_call(self) -> bool:
        """At a function name: a name that is no keyword, followed by "("."""
        after = self.ahead()
        return (
            self.at_path()
            and self.token.kind is TokenKind.NAME
            and after.kind is TokenKind.OPERATOR
            and after.text == "("
        )

    def path(self, head: RawPath | None = None) -> RawPath:
        """A document path: ``a``, ``#a``, ``a.b``, ``a[0]``, ``#a.#b[2].c``; continuing ``head`` when given."""
        start = self.token.start
        elements: list[str | int] = [self.element()] if head is None else list(head.elements)
        while True:
            if self.at("."):
                self.take()
                elements.append(self.element())
            elif self.at("["):
                self.take()
                index = self.token
                if index.kind is not TokenKind.NUMBER:
                    raise self.fail()
                self.take()
                self.expect("]")
                elements.append(int(index.text))
            else:
                break
        text = self.text[start : self.tokens[self.pos - 1].end]
        return RawPath.of(tuple(elements), text if head is None else head.text + text)

    def element(self) -> str:
        token = self.tokens[self.pos]
        if token.kind is TokenKind.ATTRIBUTE_NAME:
            self.placeholders.append(token.text)
            self.pos += 1
            return token.text
        if token.kind is TokenKind.NAME and token.word not in self.keywords:
            # developer guide, "Reserved words in DynamoDB": such names need a #placeholder
            if is_reserved(token.text):
                self.note(RESERVED, f"Attribute name is a reserved keyword; reserved keyword: {token.text}")
            self.pos += 1
            return token.text
        raise self.fail()
