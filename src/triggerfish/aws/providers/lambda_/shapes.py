"""Lambda's output shapes, built from our function values as AWS returns them."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from triggerfish.services.lambda_.models import LATEST, EventInvokeConfig, FunctionConfig, FunctionState

# StateReason/StateReasonCode accompany every state but Active (observed CreateFunction answers).
_STATE_REASONS = {
    FunctionState.PENDING: ("The function is being created.", "Creating"),
    FunctionState.INACTIVE: ("The function is inactive.", "Idle"),
}


def last_modified(epoch: float) -> str:
    """Lambda's ``LastModified``: ``2024-01-01T00:00:00.000+0000``."""
    stamp = datetime.fromtimestamp(epoch, UTC)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}+0000"


def configuration(function: FunctionConfig, *, updating: bool = False) -> dict[str, Any]:
    """``FunctionConfiguration``. ``updating``: the answer to an update, which AWS gives while
    ``LastUpdateStatus`` is still ``InProgress`` (waiters then poll for ``Successful``)."""
    shape: dict[str, Any] = {
        "FunctionName": function.name,
        "FunctionArn": function.arn,
        "Runtime": function.runtime,
        "Role": function.role,
        "Handler": function.handler,
        "CodeSize": function.code_size,
        "Description": function.description,
        "Timeout": function.timeout,
        "MemorySize": function.memory_size,
        "LastModified": last_modified(function.last_modified),
        "CodeSha256": function.code_sha256,
        "Version": LATEST,
        "TracingConfig": {"Mode": "PassThrough"},
        "RevisionId": function.revision_id,
        "State": function.state.value,
        "PackageType": "Zip",
        "Architectures": list(function.architectures),
        "EphemeralStorage": {"Size": function.ephemeral_storage},
        "SnapStart": {"ApplyOn": "None", "OptimizationStatus": "Off"},
        "LoggingConfig": {"LogFormat": "Text", "LogGroup": function.log_group or f"/aws/lambda/{function.name}"},
    }
    if function.environment:
        shape["Environment"] = {"Variables": dict(function.environment)}
    if function.dead_letter_target:
        shape["DeadLetterConfig"] = {"TargetArn": function.dead_letter_target}
    if function.state in _STATE_REASONS:
        shape["StateReason"], shape["StateReasonCode"] = _STATE_REASONS[function.state]
    elif function.state is FunctionState.FAILED:
        shape["StateReason"], shape["StateReasonCode"] = function.description, "InvalidRuntime"
    if function.state is FunctionState.PENDING:
        return shape  # a function being created has no update status yet
    if updating:
        shape["LastUpdateStatus"] = "InProgress"
        shape["LastUpdateStatusReason"] = "The function is being created."
        shape["LastUpdateStatusReasonCode"] = "Creating"
    else:
        shape["LastUpdateStatus"] = function.last_update_status.value
    return shape


def code_location(function: FunctionConfig) -> dict[str, str]:
    # AWS answers a presigned S3 URL; the package lives on this machine, so its folder's URI.
    return {"RepositoryType": "S3", "Location": Path(function.code_dir).as_uri()}


def event_invoke_config(function: FunctionConfig, config: EventInvokeConfig, qualifier: str | None) -> dict[str, Any]:
    """``FunctionEventInvokeConfig``: the ARN is always qualified (``:$LATEST``)."""
    destinations: dict[str, dict[str, str]] = {"OnSuccess": {}, "OnFailure": {}}
    if config.on_success:
        destinations["OnSuccess"] = {"Destination": config.on_success}
    if config.on_failure:
        destinations["OnFailure"] = {"Destination": config.on_failure}
    return {
        "LastModified": config.last_modified,
        "FunctionArn": function.qualified_arn(qualifier or LATEST),
        "MaximumRetryAttempts": config.maximum_retry_attempts,
        "MaximumEventAgeInSeconds": config.maximum_event_age,
        "DestinationConfig": destinations,
    }
