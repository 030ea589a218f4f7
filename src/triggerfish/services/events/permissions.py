"""A bus's resource policy: PutPermission / RemovePermission build it, cross-account PutEvents reads it.

The policy is kept as the JSON text DescribeEventBus returns. A statement PutPermission adds reads
(observed in recorded DescribeEventBus answers)::

    {"Sid": "<StatementId>", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::<account>:root"},
     "Action": "events:PutEvents", "Resource": "<bus ARN>"}

with ``"Principal": "*"`` for everyone and ``"Condition": {"StringEquals": {"aws:PrincipalOrgID": ...}}``
when a condition is given.
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from triggerfish.services.events.constraints import Constraint, check
from triggerfish.services.events.errors import PolicyLengthExceeded, ResourceNotFound, ValidationException

PUT_EVENTS = "events:PutEvents"
# "Event bus policy size: 10,240 characters" (EventBridge quotas)
MAX_POLICY_LENGTH = 10_240
VERSION = "2012-10-17"
STATEMENT_ID = Constraint(r"[a-zA-Z0-9-_]+", 64)
PRINCIPAL = Constraint(r"(\d{12}|\*)", 12)
# recorded RemovePermission answer for an unknown StatementId
NO_SUCH_STATEMENT = "Statement with the provided id does not exist."


@dataclass(frozen=True)
class Grant:
    """What PutPermission was asked for, member by member (any may be missing)."""

    action: str | None = None
    principal: str | None = None
    statement_id: str | None = None
    condition: Mapping[str, str] | None = None


def put_permission(current: str | None, bus_arn: str, grant: Grant | None, policy: str | None) -> str:
    """The bus's policy after PutPermission: a whole new ``policy``, or ``grant`` added to ``current``."""
    if policy is not None:
        return _checked_policy(policy)
    grant = grant or Grant()
    statement = _statement(grant, bus_arn)
    document: dict[str, Any] = _parse(current) if current else {"Version": VERSION, "Statement": []}
    # a statement id names one statement: granting it again replaces it
    kept = [s for s in _statements(document) if s.get("Sid") != statement["Sid"]]
    document["Statement"] = [*kept, statement]
    return _checked_policy(json.dumps(document))


def remove_permission(current: str | None, statement_id: str | None, remove_all: bool) -> str | None:
    """The bus's policy after RemovePermission; ``None`` once no statement is left."""
    if remove_all:
        return None
    if statement_id is None:
        raise ValidationException("Parameter StatementId must be specified.")
    if current is None:
        # the same answer when the bus has no policy at all (recorded test_remove_permission_non_existing_sid[False-*])
        raise ResourceNotFound(NO_SUCH_STATEMENT)
    document = _parse(current)
    statements = _statements(document)
    kept = [s for s in statements if s.get("Sid") != statement_id]
    if len(kept) == len(statements):
        raise ResourceNotFound(NO_SUCH_STATEMENT)
    if not kept:
        return None
    document["Statement"] = kept
    return json.dumps(document)


def allows_put_events(policy: str | None, bus_arn: str, account: str) -> bool:
    """Whether ``account`` may put events on the bus: an Allow matches and no Deny does."""
    if not policy:
        return False
    try:
        statements = _statements(_parse(policy))
    except ValidationException:
        return False
    matching = [s for s in statements if _applies(s, bus_arn, account)]
    return any(s.get("Effect") == "Allow" for s in matching) and not any(s.get("Effect") == "Deny" for s in matching)


def _statement(grant: Grant, bus_arn: str) -> dict[str, Any]:
    if grant.principal is None:
        raise ValidationException("Parameter Principal must be specified.")
    if grant.condition is not None and grant.principal != "*":
        raise ValidationException(
            "Value of the parameter 'principal' must be '*' when the parameter 'condition' is set."
        )
    check(("principal", grant.principal, PRINCIPAL))
    if grant.action != PUT_EVENTS:
        raise ValidationException("Provided value in parameter 'action' is not supported.")
    if grant.statement_id is None:
        raise ValidationException("Parameter StatementId must be specified.")
    check(("statementId", grant.statement_id, STATEMENT_ID))
    principal: Any = "*" if grant.principal == "*" else {"AWS": f"arn:aws:iam::{grant.principal}:root"}
    statement: dict[str, Any] = {
        "Sid": grant.statement_id,
        "Effect": "Allow",
        "Principal": principal,
        "Action": PUT_EVENTS,
        "Resource": bus_arn,
    }
    if grant.condition is not None:
        statement["Condition"] = _condition(grant.condition)
    return statement


def _condition(condition: Mapping[str, str]) -> dict[str, Any]:
    # the only condition PutPermission takes is an organization (PutPermission API reference, Condition)
    if condition.get("Type") != "StringEquals":
        raise ValidationException("Provided value in parameter 'condition.type' is not supported.")
    if condition.get("Key") != "aws:PrincipalOrgID":
        raise ValidationException("Provided value in parameter 'condition.key' is not supported.")
    return {"StringEquals": {"aws:PrincipalOrgID": condition.get("Value", "")}}


def _checked_policy(text: str) -> str:
    _statements(_parse(text))
    if len(text) > MAX_POLICY_LENGTH:
        raise PolicyLengthExceeded("Event bus policy exceeds the maximum allowed size.")
    return text


def _parse(text: str) -> dict[str, Any]:
    try:
        document = json.loads(text)
    except ValueError:
        document = None
    if not isinstance(document, dict):
        raise ValidationException("This policy contains invalid Json")
    return document


def _statements(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    statements = document.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list):
        raise ValidationException("This policy contains invalid Json")
    return [s for s in statements if isinstance(s, dict)]


def _applies(statement: Mapping[str, Any], bus_arn: str, account: str) -> bool:
    # conditions (organizations, source ARNs) cannot be met here: no caller carries that context
    if statement.get("Condition"):
        return False
    actions = _values(statement.get("Action"))
    resources = _values(statement.get("Resource"))
    return (
        _principal_matches(statement.get("Principal"), account)
        and any(fnmatch.fnmatchcase(PUT_EVENTS.lower(), a.lower()) for a in actions)
        and any(fnmatch.fnmatchcase(bus_arn, r) for r in resources)
    )


def _principal_matches(principal: Any, account: str) -> bool:
    if principal == "*":
        return True
    if not isinstance(principal, Mapping):
        return False
    names = _values(principal.get("AWS"))
    return any(name in ("*", account, f"arn:aws:iam::{account}:root") for name in names)


def _values(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []
