"""PutTargets' checks on each target, and how new targets join a rule's (§4.4).

A target is kept as the wire dict it was put with (``Target.spec``), so ListTargetsByRule gives it
back unchanged. Every fault here fails the whole call with a ``ValidationException``, as AWS does;
``FailedEntries`` only ever reports concurrent modification, which cannot happen here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from triggerfish.core.arns import parse_arn
from triggerfish.services.events.constraints import Constraint, Range, check
from triggerfish.services.events.errors import LimitExceeded, ValidationException
from triggerfish.services.events.models import Target, TargetSpec
from triggerfish.services.events.naming import TARGET_ID

#: checks Input / InputPath / InputTransformer, raising ValidationException (the input_transform module)
InputCheck = Callable[[TargetSpec], None]

# "5 targets per rule" (spec §4.4); more fails the call with LimitExceededException (recorded answer)
MAX_TARGETS_PER_RULE = 5
TOO_MANY = "The requested resource exceeds the maximum number allowed."
# RetryPolicy bounds in the model (spec §4.4)
RETRY_ATTEMPTS = Range(0, 185)
EVENT_AGE = Range(60, 86_400)
ARN = Constraint(r"[\s\S]*", 1600)


def checked_targets(specs: Sequence[Mapping[str, Any]], check_input: InputCheck) -> list[Target]:
    """The targets of a PutTargets call, each checked; raises on the first faulty one."""
    targets = []
    for index, spec in enumerate(specs, 1):
        member = f"targets.{index}.member"
        target_id, arn = spec.get("Id"), spec.get("Arn")
        if not isinstance(target_id, str) or not isinstance(arn, str):
            missing = "id" if not isinstance(target_id, str) else "arn"
            raise ValidationException(
                f"1 validation error detected: Value null at '{member}.{missing}' failed to satisfy constraint: "
                "Member must not be null"
            )
        check((f"{member}.id", target_id, TARGET_ID), (f"{member}.arn", arn, ARN))
        _check_arn(arn)
        _check_retry_policy(spec.get("RetryPolicy"), member)
        check_dead_letter(spec.get("DeadLetterConfig"))
        _check_fifo_group(spec, target_id, arn)
        check_input(spec)
        targets.append(Target(target_id, arn, dict(spec)))
    return targets


def merged(existing: Iterable[Target], added: Iterable[Target]) -> tuple[Target, ...]:
    """A rule's targets after a PutTargets: an ``Id`` already there is replaced in place."""
    by_id = {target.id: target for target in existing}
    for target in added:
        by_id[target.id] = target
    if len(by_id) > MAX_TARGETS_PER_RULE:
        raise LimitExceeded(TOO_MANY)
    return tuple(by_id.values())


def _check_arn(arn: str) -> None:
    try:
        parse_arn(arn)
    except ValueError:
        # observed PutTargets answer for a malformed target ARN
        raise ValidationException(
            f"Parameter {arn} is not valid. Reason: Provided Arn is not in correct format."
        ) from None


def _check_retry_policy(policy: Any, member: str) -> None:
    if not isinstance(policy, Mapping):
        return
    path = f"{member}.retryPolicy"
    members: list[tuple[str, object, Range]] = []
    if policy.get("MaximumRetryAttempts") is not None:
        members.append((f"{path}.maximumRetryAttempts", policy["MaximumRetryAttempts"], RETRY_ATTEMPTS))
    if policy.get("MaximumEventAgeInSeconds") is not None:
        members.append((f"{path}.maximumEventAgeInSeconds", policy["MaximumEventAgeInSeconds"], EVENT_AGE))
    check(*members)


def check_dead_letter(config: Any) -> None:
    """A ``DeadLetterConfig`` (of a target or a bus) must name a standard SQS queue."""
    if not isinstance(config, Mapping) or config.get("Arn") is None:
        return
    arn = config["Arn"]
    try:
        parsed = parse_arn(arn)
    except ValueError:
        parsed = None
    # a target's dead-letter queue is a standard SQS queue (spec §4.4)
    if parsed is None or parsed.service != "sqs" or not parsed.resource or parsed.resource.endswith(".fifo"):
        raise ValidationException(
            "Parameter DeadLetterConfig.Arn is not valid. Reason: The dead-letter queue must be a standard SQS queue."
        )


def _check_fifo_group(spec: Mapping[str, Any], target_id: str, arn: str) -> None:
    try:
        parsed = parse_arn(arn)
    except ValueError:
        return
    if parsed.service != "sqs" or not parsed.resource.endswith(".fifo"):
        return
    parameters = spec.get("SqsParameters")
    # a FIFO queue target needs its message group (PutTargets, SqsParameters)
    if not isinstance(parameters, Mapping) or not parameters.get("MessageGroupId"):
        raise ValidationException(f"Parameter(s) SqsParameters must be specified for target: {target_id}.")
