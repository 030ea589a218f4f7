"""RequestResponse, Event and DryRun (spec §1.2–§1.4)."""

from __future__ import annotations

import pytest
from invocation_harness import BASICS, unique

from triggerfish.cloud import Cloud
from triggerfish.core.errors import InvalidRequestContent, ResourceNotFound

RESPONSE_LIMIT = 6_291_456


@pytest.fixture(scope="module")
def counter(cloud: Cloud) -> str:
    name = unique("types")
    cloud.create_function(name, handler="app.counter", code_dir=BASICS)
    return name


def test_request_response(cloud: Cloud) -> None:
    name = unique("types")
    cloud.create_function(name, handler="app.echo", code_dir=BASICS)
    result = cloud.invoke(name, {"order": 7})
    assert result.status_code == 200
    assert result.json() == {"order": 7}
    assert result.function_error is None
    assert result.executed_version == "$LATEST"
    [record] = cloud.invocations_of(name)
    assert record.request_id == result.request_id
    assert record.invocation_type == "RequestResponse"
    assert record.event_json() == {"order": 7}


def test_invoke_without_payload_passes_an_empty_object(cloud: Cloud) -> None:
    name = unique("types")
    cloud.create_function(name, handler="app.echo", code_dir=BASICS)
    assert cloud.invoke(name).json() == {}


def test_event_is_accepted_then_run(cloud: Cloud, counter: str) -> None:
    before = len(cloud.invocations_of(counter))
    result = cloud.invoke(counter, {"async": True}, invocation_type="Event")
    assert result.status_code == 202
    assert result.payload == b""
    assert result.function_error is None
    cloud.settle()
    [record] = cloud.invocations_of(counter)[before:]
    assert record.request_id == result.request_id
    assert record.invocation_type == "Event"
    assert record.event_json() == {"async": True}
    assert record.ok


def test_dry_run_does_not_run_the_code(cloud: Cloud, counter: str) -> None:
    first = cloud.invoke(counter, {}).json()
    result = cloud.invoke(counter, {}, invocation_type="DryRun")
    assert result.status_code == 204
    assert result.payload == b""
    cloud.settle()
    assert all(r.request_id != result.request_id for r in cloud.invocations)
    after = cloud.invoke(counter, {}).json()
    assert after["count"] == first["count"] + 1  # type: ignore[index]


def test_dry_run_still_validates(cloud: Cloud, counter: str) -> None:
    with pytest.raises(ResourceNotFound):
        cloud.invoke("nope", {}, invocation_type="DryRun")
    with pytest.raises(InvalidRequestContent):
        cloud.invoke(counter, payload=b"[1,", invocation_type="DryRun")


def test_response_over_6_mb_is_a_function_error(cloud: Cloud) -> None:
    name = unique("types")
    cloud.create_function(name, handler="app.big_response", code_dir=BASICS)
    result = cloud.invoke(name, {"size": RESPONSE_LIMIT})  # plus two quotes: just over the limit
    assert result.status_code == 200
    assert result.function_error == "Unhandled"
    assert result.json() == {
        "errorMessage": "Response payload size exceeded maximum allowed payload size (6291556 bytes).",
        "errorType": "Function.ResponseSizeTooLarge",
    }
    assert cloud.invocations_of(name)[-1].error_type == "Function.ResponseSizeTooLarge"


def test_response_of_exactly_6_mb_is_returned(cloud: Cloud) -> None:
    name = unique("types")
    cloud.create_function(name, handler="app.big_response", code_dir=BASICS)
    result = cloud.invoke(name, {"size": RESPONSE_LIMIT - 2})
    assert result.function_error is None
    assert len(result.payload) == RESPONSE_LIMIT
