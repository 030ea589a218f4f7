"""Pseudo parameters: what a template can ``Ref`` about the stack and where it runs."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

NO_VALUE = "AWS::NoValue"
#: every pseudo parameter ("Pseudo parameters reference"); AWS::NoValue removes the property it is given to
NAMES = frozenset(
    {
        "AWS::AccountId",
        "AWS::Region",
        "AWS::StackName",
        "AWS::StackId",
        "AWS::Partition",
        "AWS::URLSuffix",
        "AWS::NotificationARNs",
        NO_VALUE,
    }
)


@dataclass(frozen=True)
class Pseudo:
    """The values of the pseudo parameters for one stack."""

    account: str = "000000000000"
    region: str = "us-east-1"
    stack_name: str = "stack"
    #: empty: ``arn:aws:cloudformation:{region}:{account}:stack/{stack_name}/<id>``, the id stable for that name
    stack_id: str = ""
    partition: str = "aws"
    url_suffix: str = "amazonaws.com"

    def __post_init__(self) -> None:
        if not self.stack_id:
            # a stack id ends in a UUID; derived from the stack's identity so that redeploys keep it
            stable = uuid.uuid5(uuid.NAMESPACE_URL, f"triggerfish:{self.account}:{self.region}:{self.stack_name}")
            stack_id = (
                f"arn:{self.partition}:cloudformation:{self.region}:{self.account}:stack/{self.stack_name}/{stable}"
            )
            object.__setattr__(self, "stack_id", stack_id)

    def values(self) -> dict[str, Any]:
        """Every pseudo parameter but AWS::NoValue, by name."""
        return {
            "AWS::AccountId": self.account,
            "AWS::Region": self.region,
            "AWS::StackName": self.stack_name,
            "AWS::StackId": self.stack_id,
            "AWS::Partition": self.partition,
            "AWS::URLSuffix": self.url_suffix,
            # no stack notifications locally
            "AWS::NotificationARNs": [],
        }
