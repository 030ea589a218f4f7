"""What a stack has deployed, kept in the store so that a restarted ``up`` updates instead of recreating."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

from triggerfish.core.clock import Clock
from triggerfish.store.interfaces import DocumentStore

KIND = "cloudformation.stack"


@dataclass(frozen=True)
class DeployedResource:
    logical_id: str
    type: str
    physical_id: str
    attributes: Mapping[str, Any] = field(default_factory=dict)
    #: the resolved properties it was deployed with (a change means an update)
    properties: Mapping[str, Any] = field(default_factory=dict)
    #: a type the services do not have yet: recorded so references resolve, but nothing runs
    skipped: bool = False


@dataclass(frozen=True)
class StackState:
    name: str
    #: in deployment order: deletion goes the other way
    resources: Mapping[str, DeployedResource] = field(default_factory=dict)
    outputs: Mapping[str, Any] = field(default_factory=dict)


class StackStore:
    def __init__(self, documents: DocumentStore, clock: Clock, scope: str) -> None:
        self._documents = documents
        self._clock = clock
        self._scope = scope

    async def load(self, name: str) -> StackState | None:
        document = await self._documents.get(KIND, self._scope, name)
        if document is None:
            return None
        body = orjson.loads(document.body)
        resources = {
            item["logical_id"]: DeployedResource(
                logical_id=item["logical_id"],
                type=item["type"],
                physical_id=item["physical_id"],
                attributes=item.get("attributes", {}),
                properties=item.get("properties", {}),
                skipped=item.get("skipped", False),
            )
            for item in body["resources"]
        }
        return StackState(name, resources, body.get("outputs", {}))

    async def save(self, state: StackState) -> None:
        body = {
            "resources": [
                {
                    "logical_id": resource.logical_id,
                    "type": resource.type,
                    "physical_id": resource.physical_id,
                    "attributes": dict(resource.attributes),
                    "properties": dict(resource.properties),
                    "skipped": resource.skipped,
                }
                for resource in state.resources.values()
            ],
            "outputs": dict(state.outputs),
        }
        await self._documents.put(KIND, self._scope, state.name, orjson.dumps(body).decode(), now=self._clock.now())
