"""Handler resolution and the error documents of the Python runtime (spec §1.5)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from invocation_harness import BASICS, RESOLUTION, unique

from triggerfish.cloud import Cloud


def _invoke(cloud: Cloud, handler: str, code_dir: Path = RESOLUTION, event: object = None) -> tuple[str, object]:
    name = unique("resolve")
    cloud.create_function(name, handler=handler, code_dir=code_dir)
    result = cloud.invoke(name, {} if event is None else event)
    assert result.status_code == 200  # function errors never change the status
    return result.function_error or "", result.json()


@pytest.mark.parametrize(
    ("handler", "expected"),
    [
        ("top.handler", "top.handler"),
        ("pkg.sub.mod.fn", "pkg.sub.mod.fn"),
        ("path/to/module.function", "path/to/module.function"),
    ],
)
def test_handler_forms_resolve(cloud: Cloud, handler: str, expected: str) -> None:
    assert _invoke(cloud, handler) == ("", expected)


def test_missing_module_is_an_import_module_error(cloud: Cloud) -> None:
    error, document = _invoke(cloud, "nope.handler")
    assert error == "Unhandled"
    assert document == {
        "errorMessage": "Unable to import module 'nope': No module named 'nope'",
        "errorType": "Runtime.ImportModuleError",
        "requestId": "",
        "stackTrace": [],
    }


def test_missing_dependency_names_the_dependency(cloud: Cloud) -> None:
    _, document = _invoke(cloud, "needs_missing.handler")
    assert isinstance(document, dict)
    assert document["errorType"] == "Runtime.ImportModuleError"
    assert document["errorMessage"] == (
        "Unable to import module 'needs_missing': No module named 'triggerfish_fixture_dependency_that_does_not_exist'"
    )


def test_missing_function_is_handler_not_found(cloud: Cloud) -> None:
    error, document = _invoke(cloud, "top.nothere")
    assert error == "Unhandled"
    assert document == {
        "errorMessage": "Handler 'nothere' missing on module 'top'",
        "errorType": "Runtime.HandlerNotFound",
        "requestId": "",
        "stackTrace": [],
    }


def test_handler_without_a_dot_is_malformed(cloud: Cloud) -> None:
    error, document = _invoke(cloud, "nodot")
    assert error == "Unhandled"
    assert document == {
        "errorMessage": "Bad handler 'nodot': not enough values to unpack (expected 2, got 1)",
        "errorType": "Runtime.MalformedHandlerName",
        "requestId": "",
        "stackTrace": [],
    }


def test_syntax_error_is_user_code_syntax_error(cloud: Cloud, tmp_path: Path) -> None:
    # Written at test time: a module that does not parse cannot live among the linted fixtures.
    (tmp_path / "broken.py").write_text("def handler(event, context)\n    return 1\n")
    error, document = _invoke(cloud, "broken.handler", tmp_path)
    assert error == "Unhandled"
    assert isinstance(document, dict)
    assert document["errorType"] == "Runtime.UserCodeSyntaxError"
    assert document["errorMessage"].startswith("Syntax error in module 'broken': ")
    assert "broken.py, line 1" in document["errorMessage"]
    assert document["requestId"] == ""
    [trace] = document["stackTrace"]
    assert trace.startswith(f'  File "{tmp_path / "broken.py"}" Line 1\n')


def test_exception_at_import_reports_its_own_class(cloud: Cloud) -> None:
    error, document = _invoke(cloud, "raises_at_import.handler")
    assert error == "Unhandled"
    assert isinstance(document, dict)
    assert document["errorType"] == "ConfigurationMissing"
    assert document["errorMessage"] == "DATABASE_URL is not set"
    assert document["requestId"] == ""
    trace = document["stackTrace"]
    # the runtime's own frames are trimmed; the import machinery and the user's module remain
    assert not any("triggerfish" + os.sep + "runtime" in frame for frame in trace)
    assert "raises_at_import.py" in trace[-1]
    assert "in <module>" in trace[-1]


def test_init_failure_fails_every_invocation_and_reruns_init(cloud: Cloud) -> None:
    name = unique("resolve")
    cloud.create_function(name, handler="raises_at_import.handler", code_dir=RESOLUTION)
    first = cloud.invoke(name, {})
    second = cloud.invoke(name, {})
    assert first.function_error == second.function_error == "Unhandled"
    assert [i.cold for i in cloud.invocations_of(name)] == [True, True]


def test_function_error_document(cloud: Cloud) -> None:
    name = unique("errors")
    cloud.create_function(name, handler="app.fail", code_dir=BASICS)
    result = cloud.invoke(name, {"message": "the order is missing"})
    assert result.status_code == 200
    assert result.function_error == "Unhandled"
    document = result.json()
    assert isinstance(document, dict)
    assert list(document) == ["errorMessage", "errorType", "requestId", "stackTrace"]
    assert document["errorMessage"] == "the order is missing"
    assert document["errorType"] == "ValueError"
    assert document["requestId"] == result.request_id
    app = str(BASICS / "app.py")
    first, second = document["stackTrace"]
    # the trace starts at the user's handler, not in the runtime
    assert first.startswith(f'  File "{app}", line ')
    assert first.endswith(", in fail\n    _check(event)\n")
    assert second.startswith(f'  File "{app}", line ')
    assert second.endswith(", in _check\n    raise ValueError(message)\n")
    record = cloud.invocations_of(name)[-1]
    assert record.error_type == "ValueError"
    assert record.function_error == "Unhandled"


def test_error_type_is_the_bare_class_name(cloud: Cloud) -> None:
    error, document = _invoke(cloud, "app.key_error", BASICS)
    assert error == "Unhandled"
    assert isinstance(document, dict)
    assert document["errorType"] == "KeyError"
    assert document["errorMessage"] == "'missing'"


def test_unserialisable_result_is_a_marshal_error(cloud: Cloud) -> None:
    name = unique("errors")
    cloud.create_function(name, handler="app.returns_set", code_dir=BASICS)
    result = cloud.invoke(name, {})
    assert result.function_error == "Unhandled"
    assert result.json() == {
        "errorMessage": "Unable to marshal response: Object of type set is not JSON serializable",
        "errorType": "Runtime.MarshalError",
        "requestId": result.request_id,
        "stackTrace": [],
    }


def test_none_is_returned_as_null(cloud: Cloud) -> None:
    name = unique("none")
    cloud.create_function(name, handler="app.returns_none", code_dir=BASICS)
    result = cloud.invoke(name, {"a": 1})
    assert result.function_error is None
    assert result.payload == b"null"


def test_error_is_logged_in_the_runtime_format(cloud: Cloud) -> None:
    name = unique("errors")
    cloud.create_function(name, handler="app.fail", code_dir=BASICS)
    cloud.invoke(name, {"message": "logged failure"})
    log = cloud.invocations_of(name)[-1].log
    [line] = [line for line in log.split("\n") if line.startswith("[ERROR]")]
    head, *rest = line.split("\r")
    assert head == "[ERROR] ValueError: logged failure"
    assert rest[0] == "Traceback (most recent call last):"
    assert json.dumps(rest)  # the trace lines are joined by CR into one record
