"""ARNs of AWS managed policies by name, for SAM's ``Policies: [AWSLambdaBasicExecutionRole]``, without IAM.

The translator knows most names from a list bundled with it; for any other it asks IAM (ListPolicies).
This lookup answers instead, so nothing ever reaches AWS: an AWS managed policy's ARN is
``arn:<partition>:iam::aws:policy/<path><name>``, and the path is ``service-role/`` for the policies
AWS files under it (these are the ones Lambda functions and their event sources use).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

#: AWS managed policies whose path is /service-role/ (IAM ListPolicies, Scope=AWS)
SERVICE_ROLE_POLICIES = frozenset(
    {
        "AWSLambdaBasicExecutionRole",
        "AWSLambdaDynamoDBExecutionRole",
        "AWSLambdaENIManagementAccess",
        "AWSLambdaKinesisExecutionRole",
        "AWSLambdaMSKExecutionRole",
        "AWSLambdaRole",
        "AWSLambdaSQSQueueExecutionRole",
        "AWSLambdaVPCAccessExecutionRole",
        "AWSCodeDeployRoleForLambda",
        "AWSCodeDeployRoleForLambdaLimited",
        "AmazonAPIGatewayPushToCloudWatchLogs",
        "AmazonS3ObjectLambdaExecutionRolePolicy",
        "AmazonSNSRole",
        "CloudWatchEventsBuiltInTargetExecutionAccess",
        "CloudWatchEventsInvocationAccess",
    }
)

#: IAM policy names: 1-128 of [A-Za-z0-9+=,.@_-] (IAM CreatePolicy, PolicyName)
_POLICY_NAME = re.compile(r"[\w+=,.@-]{1,128}", re.ASCII)


def managed_policy_arn(name: str, partition: str = "aws") -> str:
    path = "service-role/" if name in SERVICE_ROLE_POLICIES else ""
    return f"arn:{partition}:iam::aws:policy/{path}{name}"


class AwsManagedPolicies(Mapping[str, str]):
    """Every valid policy name maps to its AWS managed policy ARN; iterating lists the service-role ones.

    The translator only calls ``get(name)`` (and tests the map for emptiness), so answering for any name
    is what makes it never fall back to IAM.
    """

    def __init__(self, partition: str = "aws") -> None:
        self._partition = partition

    def __getitem__(self, name: str) -> str:
        if not isinstance(name, str) or not _POLICY_NAME.fullmatch(name):
            raise KeyError(name)
        return managed_policy_arn(name, self._partition)

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(SERVICE_ROLE_POLICIES))

    def __len__(self) -> int:
        return len(SERVICE_ROLE_POLICIES)
