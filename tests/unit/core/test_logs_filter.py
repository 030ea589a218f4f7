"""CloudWatch Logs filter patterns: the API, unstructured terms and standalone regular expressions.

Cases come from the CloudWatch Logs User Guide ("Filter pattern syntax", "Using filter patterns to match terms
in unstructured log events", "Supported regular expressions (regex) syntax") with their documented matching and
non-matching messages, plus edge cases.
"""

from __future__ import annotations

import pytest

from triggerfish.core.patterns.logs_filter import FilterKind, InvalidFilterPattern, LogFilter, compile_filter_pattern


def _matching(pattern: str, messages: list[str]) -> list[str]:
    compiled = compile_filter_pattern(pattern)
    return [message for message in messages if compiled.matches(message)]


def _reason(pattern: str) -> str:
    with pytest.raises(InvalidFilterPattern) as caught:
        compile_filter_pattern(pattern)
    return str(caught.value)


# --- the API -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("pattern", ["", "   ", '""', '" "'])
def test_empty_patterns_match_every_event(pattern: str) -> None:
    compiled = compile_filter_pattern(pattern)
    assert compiled.kind is FilterKind.ALL
    assert compiled.matches("anything at all")
    assert compiled.matches("")


def test_compiled_patterns_are_cached_per_text() -> None:
    assert compile_filter_pattern("ERROR Exception") is compile_filter_pattern("ERROR Exception")


def test_kinds_follow_the_first_character() -> None:
    assert compile_filter_pattern("ERROR").kind is FilterKind.TERMS
    assert compile_filter_pattern("%ERR%").kind is FilterKind.REGEX
    assert compile_filter_pattern("{ $.a = 1 }").kind is FilterKind.JSON
    assert compile_filter_pattern("[a, b]").kind is FilterKind.SPACE_DELIMITED


def test_log_filter_built_from_text_compiles_it() -> None:
    built = LogFilter("ERROR -Exiting")
    assert built.kind is FilterKind.TERMS
    assert built.matches("ERROR here")
    assert not built.matches("Exiting with ERRORCODE: -1")
    assert built == compile_filter_pattern("ERROR -Exiting")
    with pytest.raises(InvalidFilterPattern):
        LogFilter("{ $.a = 1")


def test_invalid_filter_pattern_is_a_value_error() -> None:
    assert issubclass(InvalidFilterPattern, ValueError)


# --- unstructured terms ----------------------------------------------------------------------------------------


def test_single_term_matches_where_it_appears_even_inside_words() -> None:
    messages = ["[ERROR] A fatal exception has occurred", "Exiting with ERRORCODE: -1", "[INFO] all good"]
    assert _matching("ERROR", messages) == messages[:2]
    assert _matching('"ERROR"', messages) == messages[:2]


def test_exclusion_removes_events_with_the_term() -> None:
    messages = ["[ERROR] A fatal exception has occurred", "Exiting with ERRORCODE: -1"]
    assert _matching('"ERROR" -"Exiting"', messages) == messages[:1]
    # The User Guide writes it with a space after the minus sign.
    assert _matching('"ERROR" - "Exiting"', messages) == messages[:1]
    assert _matching("-ERROR", [*messages, "[INFO] fine"]) == ["[INFO] fine"]


def test_all_terms_must_appear() -> None:
    assert _matching(
        "ERROR Exception",
        ["[ERROR] Caught IllegalArgumentException", "[ERROR] Unhandled Exception", "[ERROR] no such thing"],
    ) == ["[ERROR] Caught IllegalArgumentException", "[ERROR] Unhandled Exception"]
    assert _matching(
        "Failed to process the request",
        [
            "[WARN] Failed to process the request",
            "[ERROR] Unable to continue: Failed to process the request",
            "[WARN] Failed to process",
        ],
    ) == ["[WARN] Failed to process the request", "[ERROR] Unable to continue: Failed to process the request"]


def test_or_and_and_and_exclusion_on_the_documented_three_messages() -> None:
    messages = ["ERROR WARN message", "ERROR message", "WARN message"]
    assert _matching("ERROR", messages) == messages[:2]
    assert _matching("?ERROR ?WARN", messages) == messages
    assert _matching("ERROR WARN", messages) == messages[:1]
    assert _matching("ERROR -WARN", messages) == messages[1:2]


def test_terms_are_case_sensitive() -> None:
    assert _matching("ERROR", ["error", "Error", "ERROR"]) == ["ERROR"]


def test_quoted_terms_hold_spaces_and_punctuation() -> None:
    assert _matching('"Task timed out"', ["Task timed out after 3.00 seconds", "Task  timed out"]) == [
        "Task timed out after 3.00 seconds"
    ]
    assert _matching('"err:"', ["err: boom", "err boom"]) == ["err: boom"]
    assert _matching('"[ERROR]"', ["[ERROR] x", "ERROR x"]) == ["[ERROR] x"]
    assert _matching('"say \\"hi\\""', ['they say "hi"', "they say hi"]) == ['they say "hi"']
    assert _matching('"C:\\\\temp"', ["C:\\temp\\x", "C:temp"]) == ["C:\\temp\\x"]


def test_quoted_or_terms_with_spaces() -> None:
    pattern = '?REPORT ?NR_LAMBDA_MONITORING ?"Task timed out"'
    messages = ["REPORT RequestId: 1", "NR_LAMBDA_MONITORING {}", "Task timed out after 3 s", "START RequestId: 1"]
    assert _matching(pattern, messages) == messages[:3]


def test_term_groups_alternate_when_each_starts_with_a_question_mark() -> None:
    pattern = '?"ERROR" "MainThread" ?"WARN" "Deadlock"'
    messages = ["ERROR in MainThread", "ERROR in worker", "WARN Deadlock found", "WARN slow", "Deadlock MainThread"]
    assert _matching(pattern, messages) == ["ERROR in MainThread", "WARN Deadlock found"]


def test_terms_before_the_first_question_mark_form_the_first_alternative() -> None:
    assert _matching("ERROR ?WARN", ["ERROR", "WARN", "INFO"]) == ["ERROR", "WARN"]


def test_exclusion_inside_an_alternative() -> None:
    messages = ["ERROR x", "WARN x", "WARN Exiting"]
    assert _matching("?ERROR ?WARN -Exiting", messages) == ["ERROR x", "WARN x"]


def test_an_alternative_that_constrains_nothing_matches_everything() -> None:
    assert compile_filter_pattern('?ERROR ?" "').kind is FilterKind.ALL


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("email@example.com", "Invalid character(s) in term '@'"),
        ("status=500", "Invalid character(s) in term '='"),
        ("up.down", "Invalid character(s) in term '.'"),
        ("a/b", "Invalid character(s) in term '/'"),
        ("RequestId-1", "Invalid character(s) in term '-'"),
        ("!(info", "Invalid character(s) in term '!('"),
        ("\u201cquoted\u201d", "Invalid character(s) in term '\u201c'"),
        ("*", "Invalid character(s) in term '*'"),
        ('out""', "Invalid character(s) in term '\"\"'"),
        ("café", "Invalid character(s) in term 'é'"),
    ],
)
def test_unquoted_terms_with_other_characters_are_rejected(pattern: str, reason: str) -> None:
    assert _reason(pattern) == reason


def test_quoting_makes_the_same_terms_valid() -> None:
    assert _matching('"email@example.com"', ["to email@example.com", "to example.com"]) == ["to email@example.com"]


@pytest.mark.parametrize("pattern", ['"unterminated', "ERROR -", "?", "ERROR ?"])
def test_malformed_term_patterns_are_rejected(pattern: str) -> None:
    assert _reason(pattern) == "Invalid filter pattern"


def test_unbalanced_structured_patterns_name_the_missing_brace() -> None:
    assert _reason('{$.a = "b"') == "If a filter pattern starts with '{' it must end with '}'"
    assert _reason("[a, b") == "If a filter pattern starts with '[' it must end with ']'"


def test_surrounding_whitespace_is_ignored() -> None:
    assert compile_filter_pattern("  ERROR  ").matches("an ERROR")
    assert compile_filter_pattern("  { $.a = 1 }  ").matches('{"a": 1}')


# --- regular expressions ---------------------------------------------------------------------------------------


def test_regex_matches_anywhere_in_the_message() -> None:
    messages = ["[ERROR 401] UNAUTHORIZED REQUEST", "[SUCCESS 200] AUTHORIZED REQUEST", "[INFO] nothing"]
    assert _matching("%AUTHORIZED%", messages) == messages[:2]


def test_documented_regex_examples() -> None:
    assert _matching(r"%\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}%", ["from 10.0.12.255 ok", "from 10.0.x.1", "v1.2.3"]) == [
        "from 10.0.12.255 ok"
    ]
    assert _matching("%[Ee]rror|[Ff]ail%", ["Error x", "an error", "failed", "Fail", "fine"]) == [
        "Error x",
        "an error",
        "failed",
        "Fail",
    ]
    assert _matching("%^[hc]at%", ["hat trick", "cat", "that"]) == ["hat trick", "cat"]
    assert _matching("%[hc]at$%", ["a hat", "cats", "chat"]) == ["a hat", "chat"]
    assert _matching("%colou?r%", ["color", "colour", "colr"]) == ["color", "colour"]
    assert _matching("%[abc]%", ["xax", "xyz"]) == ["xax"]
    assert _matching("%[a-z]%", ["ABC1", "ABc"]) == ["ABc"]
    assert _matching("%[abcx-z]%", ["y", "m"]) == ["y"]
    assert _matching("%^a{3,5}$%", ["aa", "aaa", "aaaaa", "aaaaaa"]) == ["aaa", "aaaaa"]
    assert _matching("%gra|ey%", ["gray", "grey", "gr"]) == ["gray", "grey"]
    assert _matching("%^ab*c%", ["ac", "abbbc", "adc"]) == ["ac", "abbbc"]
    assert _matching("%^ab+c%", ["ac", "abbbc"]) == ["abbbc"]
    assert _matching("%^a.c$%", ["abc", "a-c", "ac"]) == ["abc", "a-c"]


def test_regex_character_classes_and_escapes() -> None:
    assert _matching(r"%\d+%", ["code 42", "code x"]) == ["code 42"]
    assert _matching(r"%^\D+$%", ["abc", "a1"]) == ["abc"]
    assert _matching(r"%a\sb%", ["a b", "a\tb", "ab"]) == ["a b", "a\tb"]
    assert _matching(r"%^\S+$%", ["ab", "a b"]) == ["ab"]
    assert _matching(r"%^\w+$%", ["a_1", "a-1"]) == ["a_1"]
    assert _matching(r"%\W%", ["a_1", "a-1"]) == ["a-1"]
    assert _matching(r"%\.json%", ["x.json", "xjson"]) == ["x.json"]
    assert _matching(r"%a\x28b%", ["a(b", "ab"]) == ["a(b"]
    assert _matching("%[^0-9]%", ["123", "12a"]) == ["12a"]


def test_regex_is_case_sensitive_and_ascii() -> None:
    assert _matching("%error%", ["ERROR", "error"]) == ["error"]
    assert _matching(r"%^\w$%", ["é", "e"]) == ["e"]


def test_regex_supported_symbols() -> None:
    assert _matching("%user:_#=@/;,-x%", ["user:_#=@/;,-x", "user"]) == ["user:_#=@/;,-x"]


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("%something!%", "Invalid character(s) in term '!'"),
        ("%(ab)+%", "Invalid character(s) in term '('"),
        (r"%a\(b%", "Invalid character(s) in term '('"),
        ("%a b%", "Invalid character(s) in term ' '"),
        ("%caf\u00e9%", "Invalid character(s) in term '\u00e9'"),
        ("%a'b%", "Invalid character(s) in term '''"),
    ],
)
def test_regex_with_unsupported_characters_is_rejected(pattern: str, reason: str) -> None:
    assert _reason(pattern) == reason


@pytest.mark.parametrize(
    "pattern", ["%%", "%", "%abc", "%a%b%", "%*a%", "%a**%", "%[a%", r"%\h%", r"%\1%", r"%\xZZ%", "%a\\%"]
)
def test_malformed_regexes_are_rejected(pattern: str) -> None:
    assert _reason(pattern) == "Invalid filter pattern"


def test_a_regex_is_a_whole_pattern_not_a_term() -> None:
    assert _reason("ERROR %a%") == "Invalid character(s) in term '%'"
