"""Error documents and response marshalling in the Python runtime's shapes (spec §1.5)."""

from __future__ import annotations

import decimal
import math
import os

import pytest

from triggerfish.runtime.worker import faults


def _raise_from_a_helper() -> None:
    raise LookupError("deep")


def _runtime_frame() -> None:
    _raise_from_a_helper()


def test_error_document_key_order() -> None:
    document = faults.error_document("boom", "ValueError", ["trace\n"], "rid")
    assert list(document) == ["errorMessage", "errorType", "requestId", "stackTrace"]
    assert document == {
        "errorMessage": "boom",
        "errorType": "ValueError",
        "requestId": "rid",
        "stackTrace": ["trace\n"],
    }


def test_user_error_document_trims_the_runtime_frames() -> None:
    try:
        _runtime_frame()
    except LookupError as exc:
        # pretend this test file is the runtime: its leading frames are trimmed
        document = faults.user_error_document(exc, "rid", (os.path.abspath(__file__),))
        untrimmed = faults.user_error_document(exc, "rid", ("/nowhere/",))
    assert document["errorType"] == "LookupError"
    assert document["errorMessage"] == "deep"
    assert document["requestId"] == "rid"
    assert document["stackTrace"] == []  # every frame was in "the runtime"
    assert len(untrimmed["stackTrace"]) == 3
    assert untrimmed["stackTrace"][-1].endswith(', in _raise_from_a_helper\n    raise LookupError("deep")\n')


class _Custom(Exception):
    pass


def test_error_type_is_the_bare_class_name() -> None:
    document = faults.user_error_document(_Custom("x"), "rid", ())
    assert document["errorType"] == "_Custom"


def test_marshal_json() -> None:
    assert faults.marshal({"a": [1, 2.5, None, True]}) == (b'{"a": [1, 2.5, null, true]}', "application/json")
    assert faults.marshal(None) == (b"null", "application/json")
    assert faults.marshal("text") == (b'"text"', "application/json")


def test_marshal_bytes_as_they_are() -> None:
    assert faults.marshal(b"\x00raw") == (b"\x00raw", "application/unknown")


def test_marshal_decimals_as_numbers() -> None:
    body, _ = faults.marshal({"whole": decimal.Decimal("3"), "part": decimal.Decimal("2.5")})
    assert body == b'{"whole": 3, "part": 2.5}'
    assert faults.marshal(decimal.Decimal("NaN"))[0] == b"NaN"
    assert faults.marshal(math.inf)[0] == b"Infinity"


@pytest.mark.parametrize(
    ("value", "type_name"), [({1, 2}, "set"), (object(), "object"), ({"when": complex(1, 1)}, "complex")]
)
def test_unserialisable_results_are_marshal_errors(value: object, type_name: str) -> None:
    with pytest.raises(faults.Fault) as raised:
        faults.marshal(value)
    assert raised.value.error_type == "Runtime.MarshalError"
    assert raised.value.message == f"Unable to marshal response: Object of type {type_name} is not JSON serializable"


def test_non_ascii_is_escaped_except_on_python_3_12(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_EXECUTION_ENV", "AWS_Lambda_python3.13")
    assert faults.marshal("é")[0] == b'"\\u00e9"'
    monkeypatch.setenv("AWS_EXECUTION_ENV", "AWS_Lambda_python3.12")
    assert faults.marshal("é")[0] == '"é"'.encode()


def test_unmarshal() -> None:
    assert faults.unmarshal(b'{"a": 1}') == {"a": 1}
    assert faults.unmarshal(b"") is None
    with pytest.raises(faults.Fault) as raised:
        faults.unmarshal(b"{nope")
    assert raised.value.error_type == "Runtime.UnmarshalError"
    assert raised.value.message.startswith("Unable to unmarshal input: ")
