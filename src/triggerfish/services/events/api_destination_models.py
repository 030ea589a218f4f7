"""API destinations as values: an HTTP endpoint, its method, its connection and its invocation rate."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

API_DESTINATION_KIND = "events.api-destination"
# the default (and, without a quota increase, largest) invocation rate (EventBridge quotas)
DEFAULT_RATE = 300


class ApiDestinationState(StrEnum):
    ACTIVE = "ACTIVE"
    INACTIVE = "INACTIVE"


@dataclass(frozen=True)
class ApiDestination:
    name: str
    account: str
    region: str
    uid: str
    connection_arn: str
    endpoint: str
    method: str
    rate: int = DEFAULT_RATE
    description: str | None = None
    created_at: float = 0.0
    modified_at: float = 0.0

    @property
    def arn(self) -> str:
        return api_destination_arn(self.region, self.account, self.name, self.uid)


def api_destination_arn(region: str, account: str, name: str, uid: str) -> str:
    return f"arn:aws:events:{region}:{account}:api-destination/{name}/{uid}"


def to_document(destination: ApiDestination) -> str:
    return json.dumps(asdict(destination))


def from_document(body: str) -> ApiDestination:
    return ApiDestination(**json.loads(body))


def state_shape(destination: ApiDestination, state: ApiDestinationState) -> dict[str, Any]:
    """What Create/UpdateApiDestination answer."""
    return {
        "ApiDestinationArn": destination.arn,
        "ApiDestinationState": str(state),
        "CreationTime": destination.created_at,
        "LastModifiedTime": destination.modified_at,
    }


def summary_shape(destination: ApiDestination, state: ApiDestinationState) -> dict[str, Any]:
    """One ``ApiDestination`` of ListApiDestinations."""
    return {
        "ApiDestinationArn": destination.arn,
        "Name": destination.name,
        "ApiDestinationState": str(state),
        "ConnectionArn": destination.connection_arn,
        "InvocationEndpoint": destination.endpoint,
        "HttpMethod": destination.method,
        "InvocationRateLimitPerSecond": destination.rate,
        "CreationTime": destination.created_at,
        "LastModifiedTime": destination.modified_at,
    }


def describe_shape(destination: ApiDestination, state: ApiDestinationState) -> dict[str, Any]:
    shape = summary_shape(destination, state)
    if destination.description is not None:
        shape["Description"] = destination.description
    return shape
