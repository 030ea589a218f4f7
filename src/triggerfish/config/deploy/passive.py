"""Resource types with no local behaviour to run, accepted so that references to them resolve.

IAM is not enforced locally and only ``$LATEST`` runs, so these resources
are recorded with the identifiers AWS would give them and nothing more.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from triggerfish.config.deploy.resources import DeployContext, PhysicalResource, generated_name
from triggerfish.services.lambda_.validation import split_function_name


class PassiveHandler:
    def __init__(self, describe: Callable[[DeployContext, str, Mapping[str, Any]], PhysicalResource]) -> None:
        self._describe = describe

    async def create(self, context: DeployContext, logical_id: str, properties: Mapping[str, Any]) -> PhysicalResource:
        return self._describe(context, logical_id, properties)

    async def update(
        self,
        context: DeployContext,
        logical_id: str,
        properties: Mapping[str, Any],
        previous: PhysicalResource,
        previous_properties: Mapping[str, Any],
    ) -> PhysicalResource:
        return self._describe(context, logical_id, properties)

    async def delete(self, context: DeployContext, resource: PhysicalResource, properties: Mapping[str, Any]) -> None:
        return None


def _name(context: DeployContext, logical_id: str, properties: Mapping[str, Any], key: str, limit: int = 64) -> str:
    given = properties.get(key)
    return str(given) if given else generated_name(context.stack_name, logical_id, limit=limit)


def iam_role(context: DeployContext, logical_id: str, properties: Mapping[str, Any]) -> PhysicalResource:
    name = _name(context, logical_id, properties, "RoleName")
    path = str(properties.get("Path", "/"))
    arn = f"arn:aws:iam::{context.scope.account}:role{path}{name}"
    return PhysicalResource(name, {"Arn": arn, "RoleId": "AROA" + generated_name(name, "role")[-12:].upper()})


def iam_policy(context: DeployContext, logical_id: str, properties: Mapping[str, Any]) -> PhysicalResource:
    name = _name(context, logical_id, properties, "PolicyName", limit=128)
    return PhysicalResource(name)


def iam_managed_policy(context: DeployContext, logical_id: str, properties: Mapping[str, Any]) -> PhysicalResource:
    name = _name(context, logical_id, properties, "ManagedPolicyName", limit=128)
    path = str(properties.get("Path", "/"))
    # Ref of a managed policy is its ARN
    return PhysicalResource(f"arn:aws:iam::{context.scope.account}:policy{path}{name}")


def lambda_version(context: DeployContext, logical_id: str, properties: Mapping[str, Any]) -> PhysicalResource:
    # only $LATEST runs locally: a published version stands for it
    arn = _function_arn(context, str(properties.get("FunctionName", "")))
    return PhysicalResource(f"{arn}:$LATEST", {"Version": "$LATEST", "FunctionArn": arn})


def lambda_alias(context: DeployContext, logical_id: str, properties: Mapping[str, Any]) -> PhysicalResource:
    arn = _function_arn(context, str(properties.get("FunctionName", "")))
    return PhysicalResource(f"{arn}:$LATEST")


def _function_arn(context: DeployContext, function: str) -> str:
    name, _, region, account = split_function_name(function)
    return f"arn:aws:lambda:{region or context.scope.region}:{account or context.scope.account}:function:{name}"


HANDLERS: Mapping[str, PassiveHandler] = {
    "AWS::IAM::Role": PassiveHandler(iam_role),
    "AWS::IAM::Policy": PassiveHandler(iam_policy),
    "AWS::IAM::ManagedPolicy": PassiveHandler(iam_managed_policy),
    "AWS::Lambda::Version": PassiveHandler(lambda_version),
    "AWS::Lambda::Alias": PassiveHandler(lambda_alias),
    # queue policies grant access; IAM is not enforced locally
    "AWS::SQS::QueuePolicy": PassiveHandler(
        lambda context, logical_id, properties: PhysicalResource(generated_name(context.stack_name, logical_id))
    ),
    "AWS::SQS::QueueInlinePolicy": PassiveHandler(
        lambda context, logical_id, properties: PhysicalResource(generated_name(context.stack_name, logical_id))
    ),
}
