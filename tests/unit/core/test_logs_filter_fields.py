"""CloudWatch Logs space-delimited filter patterns: the User Guide's examples with documented outcomes, plus edges."""

from __future__ import annotations

import pytest

from triggerfish.core.patterns.logs_filter import InvalidFilterPattern, compile_filter_pattern
from triggerfish.core.patterns.logs_filter_fields import split_fields

# The User Guide's sample Apache log lines, with one 404 line added.
LINES = [
    '127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /apache_pb.gif HTTP/1.0" 200 1534',
    '127.0.0.1 - frank [10/Oct/2000:13:35:22 -0700] "GET /apache_pb.gif HTTP/1.0" 500 5324',
    '127.0.0.1 - frank [10/Oct/2000:13:50:35 -0700] "GET /apache_pb.gif HTTP/1.0" 200 4355',
    '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /index.html HTTP/1.0" 404 734',
]
ALL_FIELDS = "[ip, user, username, timestamp, request, status_code, bytes]"


def _matching(pattern: str, messages: list[str]) -> list[int]:
    compiled = compile_filter_pattern(pattern)
    return [index for index, message in enumerate(messages) if compiled.matches(message)]


def _reason(pattern: str) -> str:
    with pytest.raises(InvalidFilterPattern) as caught:
        compile_filter_pattern(pattern)
    return str(caught.value)


def test_brackets_and_quotes_group_one_field_without_their_delimiters() -> None:
    assert split_fields(LINES[0]) == (
        "127.0.0.1",
        "-",
        "frank",
        "10/Oct/2000:13:25:15 -0700",
        "GET /apache_pb.gif HTTP/1.0",
        "200",
        "1534",
    )


def test_splitting_edges() -> None:
    assert split_fields("  a   b\tc  ") == ("a", "b", "c")
    assert split_fields("") == ()
    assert split_fields('a "b c') == ("a", "b c")
    assert split_fields("a [b c") == ("a", "b c")
    assert split_fields('a "" []') == ("a", "", "")


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (ALL_FIELDS, [0, 1, 2, 3]),
        ("[..., status_code, bytes]", [0, 1, 2, 3]),
        ("[ip, user, ..., status_code, bytes]", [0, 1, 2, 3]),
        ("[ip, user, ...]", [0, 1, 2, 3]),
        ("[ip, user, username, timestamp, request, status_code, bytes > 1000]", [0, 1, 2]),
        ("[ip, user, username, timestamp, request, status_code = 200, bytes]", [0, 2]),
        ("[ip, user, username, timestamp, request, status_code = 4*, bytes]", [3]),
        ("[ip, user, username, timestamp, request = *html*, status_code = 4*, bytes]", [3]),
        ("[ip, user, username, timestamp, request = *gif*, status_code = 4*, bytes]", []),
        ("[ip, user, username, timestamp, request, status_code = 4* && status_code != 403, bytes]", [3]),
        ("[ip, user, username, timestamp, request, status_code = 5* || status_code = 4*, bytes]", [1, 3]),
        ("[..., request=*.html*, status_code=4*,]", [3]),
        ("[ip = 127.0.0.*, ...]", [0, 1, 2, 3]),
        ('[..., request = "GET /index.html HTTP/1.0", status_code, bytes]', [3]),
        ("[..., timestamp = *13:5*, request, status_code, bytes]", [2, 3]),
    ],
)
def test_documented_patterns_on_apache_lines(pattern: str, expected: list[int]) -> None:
    assert _matching(pattern, LINES) == expected


def test_field_count_must_match_without_an_ellipsis() -> None:
    assert _matching("[ip, user, username, timestamp, request, status_code]", LINES) == []
    assert _matching("[ip, user, username, timestamp, request, status_code, bytes, extra]", LINES) == []


def test_or_on_a_field_on_the_documented_three_messages() -> None:
    messages = ["ERROR WARN message", "ERROR message", "WARN message"]
    assert _matching("[w1=ERROR, w2]", messages) == [1]
    assert _matching("[w1=ERROR || w1=WARN, w2]", messages) == [1, 2]
    assert _matching("[w1!=ERROR && w1!=WARN, w2]", messages) == []
    assert _matching("[w1!=ERROR && w1!=WARN, w2, w3]", ["INFO a b", "ERROR a b"]) == [0]


def test_and_binds_tighter_than_or() -> None:
    pattern = "[code = 4* && code != 404 || code = 500]"
    assert _matching(pattern, ["403", "404", "500", "501"]) == [0, 2]


@pytest.mark.parametrize(
    ("pattern", "message", "expected"),
    [
        ("[a, b > 10]", "x 11", True),
        ("[a, b > 10]", "x 10", False),
        ("[a, b >= 10]", "x 10.0", True),
        ("[a, b < 1e3]", "x 999", True),
        ("[a, b <= -1]", "x -1", True),
        ("[a, b > 10]", "x ten", False),
        ("[a, b = 10]", "x 10.00", True),
        ("[a, b != 10]", "x 10", False),
        ("[a, b != 10]", "x 11", True),
        ("[a, b = 1*]", "x 150", True),
        ('[a, b = "x y"]', 'x "x y"', True),
        ('[a, b = "*y"]', "x [x y]", True),
    ],
)
def test_numeric_and_string_conditions(pattern: str, message: str, expected: bool) -> None:
    assert compile_filter_pattern(pattern).matches(message) is expected


def test_regex_conditions() -> None:
    assert _matching(r"[..., status_code = %^[45]\d\d$%, bytes]", LINES) == [1, 3]
    assert _matching("[ip, ..., status_code != %^2%, bytes = %^5%]", LINES) == [1]


def test_several_ellipses() -> None:
    compiled = compile_filter_pattern("[..., b = x, ..., d = y, ...]")
    assert compiled.matches("a x c y e")
    assert compiled.matches("x y")
    assert compiled.matches("x a a y")
    assert not compiled.matches("y x")
    assert compiled.matches("x x y x")


def test_ellipsis_alone_and_empty_messages() -> None:
    assert _matching("[...]", ["", "a", "a b c"]) == [0, 1, 2]
    assert _matching("[a]", ["", "a", "a b"]) == [1]
    assert _matching("[..., last = z]", ["z", "a z", "z a"]) == [0, 1]


def test_a_long_message_with_an_ellipsis_matches_quickly() -> None:
    message = " ".join(["a"] * 5000 + ["z"])
    assert compile_filter_pattern("[..., x = a, ..., y = z]").matches(message)
    assert not compile_filter_pattern("[..., x = q, ..., y = z]").matches(message)


@pytest.mark.parametrize(
    "pattern",
    [
        "[]",
        "[ip, user, username, timestamp, request, status_code = 4* && bytes > 1000]",
        "[a = ]",
        "[= 1]",
        "[a = 1 b = 2]",
        "[a = 1 &&]",
        "[a > x]",
        "[a > %x%]",
        "[a.b]",
        "[a = %x%, b = %y%, c = %z%]",
        "[a, (b = 1)]",
        "[a b]",
    ],
)
def test_malformed_space_delimited_patterns_are_rejected(pattern: str) -> None:
    assert _reason(pattern) == "Invalid filter pattern"


def test_unicode_quotes_are_invalid_characters() -> None:
    assert _reason("[timestamp=*Z && request_id=\u201c*-*\u201c]") == "Invalid character(s) in term '\u201c'"
    assert _reason("[a = [b]]") == "Invalid character(s) in term '['"
