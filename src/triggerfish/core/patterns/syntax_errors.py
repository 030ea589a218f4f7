"""AWS's wording for pattern text that is not JSON.

EventBridge answers malformed pattern text with the message of the JSON reader it runs, followed by
a location line such as ``at [Source: (String)"..."; line: 1, column: 5]``. This scanner walks the
text to the first fault and words it the same way.
"""

from __future__ import annotations

_SOURCE_LIMIT = 500
_VALUE_KINDS = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')"
_WHITESPACE = " \t\n\r"
_ESCAPES = set('"\\/bfnrtu')


class _Fault(Exception):
    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


def source_location(text: str, offset: int) -> str:
    """The location line for ``offset`` (0-based, may equal ``len(text)``)."""
    line = text.count("\n", 0, offset) + 1
    line_start = text.rfind("\n", 0, offset) + 1
    shown = text
    if len(text) > _SOURCE_LIMIT:
        shown = f'{text[:_SOURCE_LIMIT]}"[truncated {len(text) - _SOURCE_LIMIT} chars]'
        return f'\n at [Source: (String)"{shown}; line: {line}, column: {offset - line_start + 1}]'
    return f'\n at [Source: (String)"{shown}"; line: {line}, column: {offset - line_start + 1}]'


def describe_syntax_error(text: str) -> str:
    """Message and location of the first syntax fault in ``text``."""
    scanner = _Scanner(text)
    try:
        scanner.value()
    except _Fault as fault:
        return fault.message + source_location(text, fault.offset)
    return "Unexpected content" + source_location(text, scanner.pos)


def _char(c: str) -> str:
    return f"'{c}' (code {ord(c)})"


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def _skip(self) -> str | None:
        text = self.text
        while self.pos < len(text) and text[self.pos] in _WHITESPACE:
            self.pos += 1
        return text[self.pos] if self.pos < len(text) else None

    def _end_of_input(self, context: str) -> _Fault:
        return _Fault(f"Unexpected end-of-input: {context}", len(self.text))

    def value(self) -> None:
        c = self._skip()
        if c is None:
            raise _Fault("No content to map due to end-of-input", self.pos)
        if c == "{":
            self._object()
        elif c == "[":
            self._array()
        elif c == '"':
            self._string()
        elif c == "-" or c.isdigit():
            self._number()
        elif c.isalpha() or c in "_$":
            self._word()
        else:
            message = f"Unexpected character ({_char(c)}): expected a valid value {_VALUE_KINDS}"
            raise _Fault(message, self.pos)

    def _word(self) -> None:
        start = self.pos
        while self.pos < len(self.text) and (self.text[self.pos].isalnum() or self.text[self.pos] in "_$"):
            self.pos += 1
        word = self.text[start : self.pos]
        if word not in ("true", "false", "null"):
            raise _Fault(f"Unrecognized token '{word}': was expecting {_VALUE_KINDS}", self.pos)

    def _number(self) -> None:
        text = self.text
        if text[self.pos] == "-":
            self.pos += 1
        if self.pos >= len(text) or not text[self.pos].isdigit():
            got = text[self.pos] if self.pos < len(text) else None
            if got is None:
                raise self._end_of_input("expected digit (0-9) to follow minus sign, for valid numeric value")
            raise _Fault(
                f"Unexpected character ({_char(got)}) in numeric value: "
                "expected digit (0-9) to follow minus sign, for valid numeric value",
                self.pos,
            )
        if text[self.pos] == "0" and self.pos + 1 < len(text) and text[self.pos + 1].isdigit():
            raise _Fault("Invalid numeric value: Leading zeroes not allowed", self.pos)
        while self.pos < len(text) and text[self.pos].isdigit():
            self.pos += 1
        if self.pos < len(text) and text[self.pos] == ".":
            self.pos += 1
            self._digits("Decimal point not followed by a digit")
        if self.pos < len(text) and text[self.pos] in "eE":
            self.pos += 1
            if self.pos < len(text) and text[self.pos] in "+-":
                self.pos += 1
            self._digits("Exponent indicator not followed by a digit")

    def _digits(self, problem: str) -> None:
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos].isdigit():
            self.pos += 1
        if self.pos == start:
            got = self.text[self.pos] if self.pos < len(self.text) else None
            if got is None:
                raise self._end_of_input(f"was expecting a digit: {problem}")
            raise _Fault(f"Unexpected character ({_char(got)}) in numeric value: {problem}", self.pos)

    def _string(self) -> None:
        text = self.text
        self.pos += 1
        while True:
            if self.pos >= len(text):
                raise self._end_of_input("was expecting closing quote for a string value")
            c = text[self.pos]
            if c == '"':
                self.pos += 1
                return
            if c == "\\":
                escaped = text[self.pos + 1] if self.pos + 1 < len(text) else None
                if escaped is None:
                    raise self._end_of_input("was expecting closing quote for a string value")
                if escaped not in _ESCAPES:
                    raise _Fault(f"Unrecognized character escape {_char(escaped)}", self.pos)
                if escaped == "u":
                    digits = text[self.pos + 2 : self.pos + 6]
                    if len(digits) < 4 or any(d not in "0123456789abcdefABCDEF" for d in digits):
                        raise _Fault(
                            "Unexpected character in hex escape: expected a hex-digit for character escape sequence",
                            self.pos + 2,
                        )
                    self.pos += 4
                self.pos += 2
                continue
            if ord(c) < 32:
                raise _Fault(
                    f"Illegal unquoted character ((CTRL-CHAR, code {ord(c)})): "
                    "has to be escaped using backslash to be included in string value",
                    self.pos,
                )
            self.pos += 1

    def _array(self) -> None:
        self.pos += 1
        if self._skip() == "]":
            self.pos += 1
            return
        while True:
            self.value()
            c = self._skip()
            if c is None:
                raise self._end_of_input("expected close marker for ARRAY")
            self.pos += 1
            if c == "]":
                return
            if c != ",":
                raise _Fault(
                    f"Unexpected character ({_char(c)}): was expecting comma to separate Array entries",
                    self.pos - 1,
                )

    def _object(self) -> None:
        self.pos += 1
        c = self._skip()
        if c == "}":
            self.pos += 1
            return
        while True:
            if c is None:
                raise self._end_of_input("expected close marker for OBJECT")
            if c != '"':
                raise _Fault(
                    f"Unexpected character ({_char(c)}): was expecting double-quote to start field name",
                    self.pos,
                )
            self._string()
            c = self._skip()
            if c != ":":
                if c is None:
                    raise self._end_of_input("expected close marker for OBJECT")
                raise _Fault(
                    f"Unexpected character ({_char(c)}): was expecting a colon to separate field name and value",
                    self.pos,
                )
            self.pos += 1
            self.value()
            c = self._skip()
            if c is None:
                raise self._end_of_input("expected close marker for OBJECT")
            self.pos += 1
            if c == "}":
                return
            if c != ",":
                raise _Fault(
                    f"Unexpected character ({_char(c)}): was expecting comma to separate Object entries",
                    self.pos - 1,
                )
            c = self._skip()
