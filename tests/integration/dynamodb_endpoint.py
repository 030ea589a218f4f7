"""A DynamoDB service on an in-memory store behind a real HTTP endpoint, for the boto3 wire tests."""

from __future__ import annotations

from collections.abc import Mapping

from endpoint_thread import EndpointThread, Stop

from triggerfish.aws.providers.base import Provider
from triggerfish.aws.providers.dynamodb import DynamoDBProvider
from triggerfish.core.clock import SystemClock
from triggerfish.core.work import WorkTracker
from triggerfish.services.dynamodb.service import DynamoDBService
from triggerfish.store.factory import open_store


async def _build() -> tuple[Mapping[str, Provider], Stop]:
    store = open_store(None)
    await store.open()
    service = DynamoDBService(store, SystemClock(), WorkTracker())
    await service.start()

    async def stop() -> None:
        await service.close()
        await store.close()

    return {"dynamodb": DynamoDBProvider(service)}, stop


def dynamodb_endpoint() -> EndpointThread:
    """A running endpoint; ``close()`` it when done."""
    return EndpointThread(_build)
