"""A bus's resource policy: PutPermission/RemovePermission build it as AWS does; cross-account PutEvents
is let through only where it allows the caller's account."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import pytest

from triggerfish.core.clock import VirtualClock
from triggerfish.services.events.buses import BusRegistry
from triggerfish.services.events.errors import PolicyLengthExceeded, ResourceNotFound, ValidationException
from triggerfish.services.events.models import Location
from triggerfish.services.events.naming import BusRef
from triggerfish.services.events.permissions import Grant, allows_put_events, put_permission, remove_permission
from triggerfish.services.events.put_events import EventPublisher
from triggerfish.store.factory import open_store

BUS = "arn:aws:events:us-east-1:000000000000:event-bus/orders"
OWNER, OTHER = "000000000000", "111111111111"


def grant(principal: str = OTHER, sid: str = "one", **changes: Any) -> Grant:
    return replace(Grant("events:PutEvents", principal, sid), **changes)


def statements(policy: str | None) -> list[dict[str, Any]]:
    assert policy is not None
    document = json.loads(policy)
    assert document["Version"] == "2012-10-17"
    result: list[dict[str, Any]] = document["Statement"]
    return result


def test_a_grant_becomes_the_statement_aws_writes() -> None:
    policy = put_permission(None, BUS, grant(), None)
    assert statements(policy) == [
        {
            "Sid": "one",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{OTHER}:root"},
            "Action": "events:PutEvents",
            "Resource": BUS,
        }
    ]
    policy = put_permission(policy, BUS, grant("*", "everyone"), None)
    assert [s["Principal"] for s in statements(policy)] == [{"AWS": f"arn:aws:iam::{OTHER}:root"}, "*"]


def test_an_organization_condition_needs_everyone_as_principal() -> None:
    condition = {"Type": "StringEquals", "Key": "aws:PrincipalOrgID", "Value": "o-123"}
    policy = put_permission(None, BUS, grant("*", condition=condition), None)
    assert statements(policy)[0]["Condition"] == {"StringEquals": {"aws:PrincipalOrgID": "o-123"}}
    with pytest.raises(ValidationException, match="must be '\\*' when the parameter 'condition' is set"):
        put_permission(None, BUS, grant(OTHER, condition=condition), None)
    with pytest.raises(ValidationException, match=r"^Provided value in parameter 'condition.type' is not supported\.$"):
        put_permission(None, BUS, grant("*", condition={**condition, "Type": "StringLike"}), None)
    with pytest.raises(ValidationException, match=r"^Provided value in parameter 'condition.key' is not supported\.$"):
        put_permission(None, BUS, grant("*", condition={**condition, "Key": "aws:SourceArn"}), None)


def test_granting_a_statement_id_again_replaces_it() -> None:
    policy = put_permission(None, BUS, grant(OTHER, "one"), None)
    policy = put_permission(policy, BUS, grant("222222222222", "one"), None)
    assert [s["Principal"] for s in statements(policy)] == [{"AWS": "arn:aws:iam::222222222222:root"}]


def test_grant_refusals() -> None:
    with pytest.raises(ValidationException, match=r"^Provided value in parameter 'action' is not supported\.$"):
        put_permission(None, BUS, grant(action="events:PutRule"), None)
    with pytest.raises(ValidationException, match=r"^Parameter Principal must be specified\.$"):
        put_permission(None, BUS, grant(principal=None), None)
    with pytest.raises(ValidationException, match="at 'principal'"):
        put_permission(None, BUS, grant(principal="12"), None)
    with pytest.raises(ValidationException, match="at 'statementId'"):
        put_permission(None, BUS, grant(sid="no spaces"), None)
    with pytest.raises(ValidationException, match=r"^Parameter StatementId must be specified\.$"):
        put_permission(None, BUS, grant(statement_id=None), None)


def test_a_whole_policy_replaces_the_old_one() -> None:
    whole = json.dumps({"Version": "2012-10-17", "Statement": [{"Sid": "x", "Effect": "Allow"}]})
    assert put_permission(put_permission(None, BUS, grant(), None), BUS, None, whole) == whole
    with pytest.raises(ValidationException, match=r"^This policy contains invalid Json$"):
        put_permission(None, BUS, None, "{not json")
    too_long = json.dumps({"Version": "2012-10-17", "Statement": [{"Sid": "x" * 10_300}]})
    with pytest.raises(PolicyLengthExceeded):
        put_permission(None, BUS, None, too_long)


def test_removing_statements() -> None:
    policy = put_permission(put_permission(None, BUS, grant(sid="one"), None), BUS, grant(sid="two"), None)
    left = remove_permission(policy, "one", False)
    assert [s["Sid"] for s in statements(left)] == ["two"]
    assert remove_permission(left, "two", False) is None
    assert remove_permission(policy, None, True) is None
    with pytest.raises(ResourceNotFound, match=r"^Statement with the provided id does not exist\.$"):
        remove_permission(policy, "three", False)
    # AWS gives the same answer when the bus has no policy at all (recorded RemovePermission answers)
    with pytest.raises(ResourceNotFound, match=r"^Statement with the provided id does not exist\.$"):
        remove_permission(None, "one", False)


def test_which_accounts_a_policy_lets_put_events() -> None:
    policy = put_permission(None, BUS, grant(OTHER), None)
    assert allows_put_events(policy, BUS, OTHER)
    assert not allows_put_events(policy, BUS, "222222222222")
    assert not allows_put_events(None, BUS, OTHER)
    assert allows_put_events(put_permission(None, BUS, grant("*"), None), BUS, "222222222222")
    wildcard = {"Effect": "Allow", "Principal": {"AWS": [OTHER]}, "Action": "events:*", "Resource": "*"}
    deny = {"Effect": "Deny", "Principal": "*", "Action": "events:PutEvents", "Resource": BUS}
    assert allows_put_events(json.dumps({"Statement": [wildcard]}), BUS, OTHER)
    assert not allows_put_events(json.dumps({"Statement": [wildcard, deny]}), BUS, OTHER)
    org = put_permission(None, BUS, grant("*", condition={"Type": "StringEquals", "Key": "aws:PrincipalOrgID"}), None)
    assert not allows_put_events(org, BUS, OTHER)


class Recorder:
    def __init__(self) -> None:
        self.routed: list[tuple[str, dict[str, Any]]] = []

    async def route(self, bus_arn: str, event: dict[str, Any], *, ingestion_time: float, **_: Any) -> None:
        self.routed.append((bus_arn, event))


@pytest.fixture
async def setup() -> AsyncIterator[tuple[BusRegistry, EventPublisher, Recorder]]:
    store = open_store(None)
    await store.open()
    clock = VirtualClock()
    buses = BusRegistry(store.documents, clock)
    await buses.load()
    recorder = Recorder()
    yield buses, EventPublisher(buses, recorder, clock), recorder
    await store.close()


ENTRY = {"Source": "shop", "DetailType": "order", "Detail": "{}", "EventBusName": BUS}


async def test_another_account_puts_events_only_where_the_policy_allows(
    setup: tuple[BusRegistry, EventPublisher, Recorder],
) -> None:
    buses, publisher, recorder = setup
    bus = await buses.create(BusRef(OWNER, "us-east-1", "orders"))
    caller = Location(OTHER, "us-east-1")
    denied = await publisher.put_events([ENTRY], caller)
    assert denied.failed_count == 1
    assert denied.entries[0]["ErrorCode"] == "AccessDeniedException"
    assert (
        f"arn:aws:iam::{OTHER}:root is not authorized to perform: events:PutEvents on resource: {BUS}"
        in (denied.entries[0]["ErrorMessage"])
    )
    assert recorder.routed == []

    await buses.save(replace(bus, policy=put_permission(None, bus.arn, grant(OTHER), None)))
    allowed = await publisher.put_events([ENTRY], caller)
    assert allowed.failed_count == 0
    ((routed_bus, event),) = recorder.routed
    # the event names the account and region that sent it
    assert (routed_bus, event["account"], event["region"]) == (BUS, OTHER, "us-east-1")


async def test_another_accounts_missing_bus_is_denied(setup: tuple[BusRegistry, EventPublisher, Recorder]) -> None:
    _, publisher, _ = setup
    result = await publisher.put_events([ENTRY], Location(OTHER, "us-east-1"))
    assert result.entries[0]["ErrorCode"] == "AccessDeniedException"
