"""A Lambda authorizer's IAM policy, read and evaluated against the request's method ARN (spec §6.5).

``arn:aws:execute-api:<region>:<account>:<api-id>/<stage>/<VERB>/<path>``; ``*`` and ``?`` are wildcards
in actions and resources; an explicit Deny wins over any Allow, and no Allow at all is a denial too.
"""

from __future__ import annotations

import enum
import functools
import re
from dataclasses import dataclass
from typing import Any

_INVOKE = "execute-api:invoke"


class InvalidPolicy(Exception):
    pass


class Decision(enum.Enum):
    ALLOW = "allow"
    DENY = "deny"  # an explicit Deny matched
    NO_ALLOW = "no-allow"  # nothing allowed the method


@dataclass(frozen=True, slots=True)
class Statement:
    allow: bool
    actions: tuple[re.Pattern[str], ...]
    resources: tuple[re.Pattern[str], ...]


@dataclass(frozen=True, slots=True)
class Policy:
    """What a policy-returning authorizer answered, as it is cached."""

    principal_id: Any
    statements: tuple[Statement, ...]
    context: dict[str, Any]

    def decide(self, method_arn: str) -> Decision:
        allowed = False
        for statement in self.statements:
            if any(action.fullmatch(_INVOKE) for action in statement.actions) and any(
                resource.fullmatch(method_arn) for resource in statement.resources
            ):
                if not statement.allow:
                    return Decision.DENY
                allowed = True
        return Decision.ALLOW if allowed else Decision.NO_ALLOW


def method_arn(region: str, account: str, api_id: str, stage: str, method: str, path: str) -> str:
    """``path`` is the request's path inside the stage, starting with ``/``."""
    return f"arn:aws:execute-api:{region}:{account}:{api_id}/{stage}/{method}{path}"


def parse_policy(value: object, *, scalar_context: bool) -> Policy:
    """``{"principalId", "policyDocument": {"Statement": [...]}, "context"}``; REST APIs take only string,
    number and boolean context values (API Gateway Lambda authorizer output)."""
    if not isinstance(value, dict):
        raise InvalidPolicy("the authorizer's answer is not an object")
    document = value.get("policyDocument")
    if not isinstance(document, dict):
        raise InvalidPolicy("policyDocument is missing")
    statements = document.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list) or not statements:
        raise InvalidPolicy("policyDocument has no Statement")
    context = value.get("context")
    if context is None:
        context = {}
    if not isinstance(context, dict):
        raise InvalidPolicy("context is not an object")
    if scalar_context and not all(isinstance(item, str | int | float | bool) for item in context.values()):
        raise InvalidPolicy("context values must be strings, numbers or booleans")
    return Policy(value.get("principalId"), tuple(_statement(each) for each in statements), context)


def _statement(value: object) -> Statement:
    if not isinstance(value, dict):
        raise InvalidPolicy("a Statement is not an object")
    effect = value.get("Effect")
    if not isinstance(effect, str) or effect.lower() not in ("allow", "deny"):
        raise InvalidPolicy("a Statement's Effect is neither Allow nor Deny")
    return Statement(
        effect.lower() == "allow",
        tuple(_wildcard(action, ignore_case=True) for action in _strings(value.get("Action"), "Action")),
        tuple(_wildcard(resource, ignore_case=False) for resource in _strings(value.get("Resource"), "Resource")),
    )


def _strings(value: object, member: str) -> list[str]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items or not all(isinstance(item, str) for item in items):
        raise InvalidPolicy(f"a Statement's {member} is not a string or a list of strings")
    return items


@functools.lru_cache(maxsize=4096)
def _wildcard(text: str, *, ignore_case: bool) -> re.Pattern[str]:
    pattern = re.escape(text).replace(r"\*", ".*").replace(r"\?", ".")
    return re.compile(pattern, re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL)
