"""What a resource type handler is, and what it hands back for ``!Ref`` and ``!GetAtt``."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from triggerfish.config.errors import TemplateError
from triggerfish.services.apigateway import RestApiService
from triggerfish.services.apigatewayv2 import HttpApiService
from triggerfish.services.dynamodb.service import DynamoDBService
from triggerfish.services.events import EventsService
from triggerfish.services.kinesis.service import KinesisService
from triggerfish.services.lambda_.code import CodeStore
from triggerfish.services.lambda_.service import LambdaService, Scope
from triggerfish.services.logs import LogsService
from triggerfish.services.s3.notifications import Notifier
from triggerfish.services.s3.service import S3Service
from triggerfish.services.scheduler import SchedulerService
from triggerfish.services.ses import SesService
from triggerfish.services.ses.receiving import ReceiptRules
from triggerfish.services.sns import SnsService
from triggerfish.services.sqs import SqsService


@dataclass(frozen=True)
class Services:
    """The services a deployment creates resources in (the port ``app`` wires)."""

    lambda_: LambdaService
    code: CodeStore
    sqs: SqsService | None = None
    rest_apis: RestApiService | None = None
    http_apis: HttpApiService | None = None
    events: EventsService | None = None
    scheduler: SchedulerService | None = None
    sns: SnsService | None = None
    s3: S3Service | None = None
    #: S3's notification side: validates a bucket's destinations and sends its test events
    s3_notifier: Notifier | None = None
    dynamodb: DynamoDBService | None = None
    kinesis: KinesisService | None = None
    logs: LogsService | None = None
    ses: SesService | None = None
    #: SES's receipt rule sets (receiving email)
    receipt_rules: ReceiptRules | None = None


@dataclass(frozen=True)
class DeployContext:
    services: Services
    scope: Scope
    stack_name: str
    base_dir: Path  # local code paths are relative to this folder
    #: variables set on every function on top of its own (``up --env-file``)
    environment_overrides: Mapping[str, str] = field(default_factory=dict)
    #: run a Python runtime whose interpreter is missing here with the host's (``up`` does)
    runtime_fallback: bool = False
    #: notes for the user gathered while deploying ("python3.9 runs as python3.11 here")
    warnings: list[str] = field(default_factory=list)
    #: code folder -> its digest, read once per deployment
    folder_digests: dict[str, tuple[str, int]] = field(default_factory=dict)
    #: APIs whose routes, methods or authorizers this deployment changed (``restapis/<id>``, ``apis/<id>``)
    changed_apis: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class PhysicalResource:
    """A created resource: ``physical_id`` is what ``Ref`` returns, ``attributes`` what ``GetAtt`` may ask."""

    physical_id: str
    attributes: Mapping[str, Any] = field(default_factory=dict)


class ResourceHandler(Protocol):
    """Creates, updates and deletes one CloudFormation resource type in a service."""

    async def create(
        self, context: DeployContext, logical_id: str, properties: Mapping[str, Any]
    ) -> PhysicalResource: ...

    async def update(
        self,
        context: DeployContext,
        logical_id: str,
        properties: Mapping[str, Any],
        previous: PhysicalResource,
        previous_properties: Mapping[str, Any],
    ) -> PhysicalResource:
        """Bring the resource in line with ``properties``; may replace it (a new physical id)."""
        ...

    async def delete(
        self, context: DeployContext, resource: PhysicalResource, properties: Mapping[str, Any]
    ) -> None: ...


@runtime_checkable
class SettlingHandler(ResourceHandler, Protocol):
    """A handler whose resource captures other resources (an API deployment snapshots its methods)."""

    async def settle(
        self, context: DeployContext, logical_id: str, resource: PhysicalResource, properties: Mapping[str, Any]
    ) -> PhysicalResource | None:
        """Called once everything was created, updated and deleted: the resource made anew when what it
        captures changed in this deployment, or None when it is still current."""
        ...


def generated_name(stack_name: str, logical_id: str, *, limit: int = 64) -> str:
    """``<stack>-<logical id>-<suffix>``: the name CloudFormation makes up when a template gives none.

    The suffix is derived from the stack and logical id rather than random, so a restarted ``up``
    finds the same resources under the same names.
    """
    digest = hashlib.sha256(f"{stack_name}/{logical_id}".encode()).digest()
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    suffix = "".join(alphabet[byte % len(alphabet)] for byte in digest[:12])
    room = limit - len(suffix) - 2
    stack_part = stack_name[: max(1, room // 2)]
    logical_part = logical_id[: room - len(stack_part)]
    return f"{stack_part}-{logical_part}-{suffix}"


def require(properties: Mapping[str, Any], key: str, kind: type = str) -> Any:
    value = properties.get(key)
    if value is None:
        raise TemplateError(f"Property {key} cannot be empty.")
    if kind is int:
        return as_int(value, key)
    if not isinstance(value, kind):
        raise TemplateError(f"Value of property {key} must be of type {_type_name(kind)}")
    return value


def as_int(value: Any, key: str) -> int:
    """CloudFormation passes numbers as strings from parameters; accept both."""
    if isinstance(value, bool):
        raise TemplateError(f"Value of property {key} must be of type Integer")
    try:
        return int(str(value))
    except ValueError:
        raise TemplateError(f"Value of property {key} must be of type Integer") from None


def _type_name(kind: type) -> str:
    return {str: "String", int: "Integer", dict: "Object", list: "List of String"}.get(kind, kind.__name__)
