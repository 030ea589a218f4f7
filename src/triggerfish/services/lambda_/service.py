"""The Lambda service: functions, their settings, and the three ways to invoke them."""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from triggerfish.core.clock import Clock
from triggerfish.core.delivery import Delivery, DeliveryFailed, DeliveryRegistry
from triggerfish.core.errors import (
    InvalidParameterValue,
    InvalidRequestContent,
    RequestTooLarge,
    ResourceConflict,
    ResourceNotFound,
)
from triggerfish.core.ids import DEFAULT_ACCOUNT, DEFAULT_REGION, request_id
from triggerfish.core.work import WorkTracker
from triggerfish.runtime.interpreters import find_interpreter, host_runtime
from triggerfish.runtime.pool import EnvironmentPool
from triggerfish.services.due_queue import DueQueue
from triggerfish.services.lambda_ import validation
from triggerfish.services.lambda_.async_invocations import AsyncInvocations
from triggerfish.services.lambda_.concurrency import ConcurrencyGovernor
from triggerfish.services.lambda_.functions import FunctionRegistry, directory_digest
from triggerfish.services.lambda_.invoker import Invoker
from triggerfish.services.lambda_.mappings import EventSourceMappings, LambdaFunctions
from triggerfish.services.lambda_.models import (
    LATEST,
    EventInvokeConfig,
    FunctionConfig,
    FunctionState,
    InvocationType,
    UpdateStatus,
)
from triggerfish.services.lambda_.records import InvokeResult, log_tail
from triggerfish.services.lambda_.urls import DEFAULT_BASE_URL, FunctionUrls
from triggerfish.store.interfaces import AsyncEvent, Store

MAX_SYNC_PAYLOAD = 6_291_456
MAX_ASYNC_PAYLOAD = 1_048_576  # raised from 256 KB in 2025 (spec §1.1)
MAX_CLIENT_CONTEXT = 3_583
_UNSET: Any = object()


@dataclass(frozen=True)
class Scope:
    account: str = DEFAULT_ACCOUNT
    region: str = DEFAULT_REGION

    def __str__(self) -> str:
        return f"{self.account}/{self.region}"


class LambdaService:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        pool: EnvironmentPool,
        deliveries: DeliveryRegistry,
        tracker: WorkTracker,
        *,
        governor: ConcurrencyGovernor | None = None,
        endpoint_url: str | None = None,
        retry_base_delay: float | None = None,
    ) -> None:
        self.clock = clock
        self.functions = FunctionRegistry(store.documents, clock)
        self.governor = governor or ConcurrencyGovernor()
        self.invoker = Invoker(pool, self.governor, tracker, endpoint_url=endpoint_url)
        self.queue = DueQueue(store.async_events, clock, tracker)
        self.asynchronous = AsyncInvocations(self.queue, self.functions, self.invoker, deliveries, clock)
        if retry_base_delay is not None:
            self.asynchronous.retry_base_delay = retry_base_delay
        #: event source mappings; ``app`` attaches queues and streams with ``mappings.attach("sqs", source)``,
        #: ``attach("kinesis", source)`` and ``attach("dynamodb", source)``
        self.mappings = EventSourceMappings(
            store.documents,
            clock,
            tracker,
            LambdaFunctions(self.functions, self.invoker, self.governor),
            deliveries=deliveries,
            stream_retry_base_delay=retry_base_delay,
        )
        #: function URLs; their addresses use the AWS endpoint's URL once the app listens
        self.urls = FunctionUrls(self, store.documents, clock, lambda: self.invoker.endpoint_url or DEFAULT_BASE_URL)
        self._pool = pool
        deliveries.register("lambda", _LambdaDeliverer(self))

    async def start(self) -> None:
        await self.functions.load()
        await self.urls.load()
        for function in self.functions.all():
            self.governor.set_reservation(function.arn, function.reserved_concurrency)
        await self.queue.start(self.asynchronous.handle)
        await self.mappings.start()

    async def close(self) -> None:
        await self.mappings.close()
        await self.queue.close()

    # -- functions -------------------------------------------------------------------------

    async def create_function(
        self,
        name: str,
        *,
        handler: str,
        code_dir: str | Path,
        runtime: str | None = None,
        scope: Scope = Scope(),
        role: str = "",
        description: str = "",
        timeout: int = 3,
        memory_size: int = 128,
        environment: Mapping[str, str] | None = None,
        dead_letter_target: str | None = None,
        tags: Mapping[str, str] | None = None,
        managed_code: bool = False,
        code_digest: tuple[str, int] | None = None,
        architectures: tuple[str, ...] = ("x86_64",),
        ephemeral_storage: int = 512,
    ) -> FunctionConfig:
        """Create ``$LATEST``; returns the configuration as AWS reports it right after creation
        (``State: Pending``). The function turns ``Active`` once its runtime is ready."""
        validation.check_new_name(name)
        runtime = runtime or host_runtime()
        validation.check_runtime(runtime)
        validation.check_handler(handler)
        validation.check_timeout(timeout)
        validation.check_memory(memory_size)
        validation.check_environment(environment or {})
        if dead_letter_target:
            validation.check_dead_letter_target(dead_letter_target)
        code = _code_directory(code_dir)
        # a deployment package's own digest (the .zip's) when there is one, else the folder's
        sha, size = code_digest or directory_digest(code)
        now = self.clock.now()
        function = FunctionConfig(
            name=name,
            account=scope.account,
            region=scope.region,
            runtime=runtime,
            handler=handler,
            code_dir=code,
            role=role or f"arn:aws:iam::{scope.account}:role/{name}-role",
            description=description,
            timeout=timeout,
            memory_size=memory_size,
            environment=dict(environment or {}),
            dead_letter_target=dead_letter_target,
            tags=dict(tags or {}),
            code_sha256=sha,
            code_size=size,
            revision_id=str(uuid.uuid4()),
            last_modified=now,
            state=FunctionState.PENDING,
            last_update_status=UpdateStatus.SUCCESSFUL,
            log_group=f"/aws/lambda/{name}",
            managed_code=managed_code,
            architectures=architectures,
            ephemeral_storage=ephemeral_storage,
        )
        created = await self.functions.create(function)
        await self._activate(created)
        self.mappings.wake_blocked()  # mappings waiting for this function may resume
        return created

    async def _activate(self, function: FunctionConfig) -> FunctionConfig:
        """Pending → Active once the runtime's interpreter is found (Failed when it is not)."""
        try:
            find_interpreter(function.runtime)
        except Exception as exc:
            return await self.functions.update(function.evolve(state=FunctionState.FAILED, description=str(exc)))
        return await self.functions.update(function.evolve(state=FunctionState.ACTIVE))

    def get_function(self, function_name: str, qualifier: str | None = None, scope: Scope = Scope()) -> FunctionConfig:
        name, qualifier_in_name, fn_scope = self._resolve(function_name, scope)
        _check_qualifier(qualifier or qualifier_in_name, fn_scope, name)
        return self.functions.get(str(fn_scope), name)

    def list_functions(self, scope: Scope = Scope()) -> list[FunctionConfig]:
        return self.functions.all(str(scope))

    async def update_function_configuration(
        self,
        function_name: str,
        *,
        scope: Scope = Scope(),
        handler: str | None = None,
        runtime: str | None = None,
        timeout: int | None = None,
        memory_size: int | None = None,
        environment: Mapping[str, str] | None = None,
        description: str | None = None,
        role: str | None = None,
        dead_letter_target: str | None = _UNSET,
        ephemeral_storage: int | None = None,
    ) -> FunctionConfig:
        function = self.get_function(function_name, scope=scope)
        changes: dict[str, Any] = {}
        if handler is not None:
            validation.check_handler(handler)
            changes["handler"] = handler
        if runtime is not None:
            validation.check_runtime(runtime)
            changes["runtime"] = runtime
        if timeout is not None:
            validation.check_timeout(timeout)
            changes["timeout"] = timeout
        if memory_size is not None:
            validation.check_memory(memory_size)
            changes["memory_size"] = memory_size
        if environment is not None:
            validation.check_environment(environment)
            changes["environment"] = dict(environment)
        if description is not None:
            changes["description"] = description
        if role is not None:
            changes["role"] = role
        if ephemeral_storage is not None:
            changes["ephemeral_storage"] = ephemeral_storage
        if dead_letter_target is not _UNSET:
            if dead_letter_target:
                validation.check_dead_letter_target(dead_letter_target)
            changes["dead_letter_target"] = dead_letter_target or None
        return await self._replace(function, **changes)

    async def update_function_code(
        self,
        function_name: str,
        *,
        code_dir: str | Path,
        scope: Scope = Scope(),
        code_digest: tuple[str, int] | None = None,
        architectures: tuple[str, ...] | None = None,
    ) -> FunctionConfig:
        function = self.get_function(function_name, scope=scope)
        code = _code_directory(code_dir)
        sha, size = code_digest or directory_digest(code)
        changes: dict[str, Any] = {"code_dir": code, "code_sha256": sha, "code_size": size}
        if architectures:
            changes["architectures"] = architectures
        return await self._replace(function, **changes)

    async def reload_code(self, function_name: str, scope: Scope = Scope()) -> FunctionConfig:
        """The code under the function's folder changed: retire warm environments."""
        function = self.get_function(function_name, scope=scope)
        return await self.update_function_code(function_name, code_dir=function.code_dir, scope=scope)

    async def delete_function(self, function_name: str, scope: Scope = Scope()) -> FunctionConfig:
        function = self.get_function(function_name, scope=scope)
        deleted = await self.functions.delete(function.scope, function.name)
        await self.urls.drop_function(function.scope, function.name)
        self.governor.set_reservation(function.arn, None)
        self.invoker.forget(function)
        return deleted

    async def _replace(self, function: FunctionConfig, **changes: Any) -> FunctionConfig:
        updated = await self.functions.update(function.evolve(**changes))
        self.invoker.forget(updated)
        return updated

    # -- concurrency ---------------------------------------------------------------------------

    async def put_function_concurrency(self, function_name: str, reserved: int, scope: Scope = Scope()) -> int:
        validation.check_reserved_concurrency(reserved)
        function = self.get_function(function_name, scope=scope)
        self.governor.check_reservation(function.arn, reserved)
        await self.functions.update(function.evolve(reserved_concurrency=reserved))
        self.governor.set_reservation(function.arn, reserved)
        self.mappings.wake_blocked()
        return reserved

    def get_function_concurrency(self, function_name: str, scope: Scope = Scope()) -> int | None:
        return self.get_function(function_name, scope=scope).reserved_concurrency

    async def delete_function_concurrency(self, function_name: str, scope: Scope = Scope()) -> None:
        function = self.get_function(function_name, scope=scope)
        await self.functions.update(function.evolve(reserved_concurrency=None))
        self.governor.set_reservation(function.arn, None)
        self.mappings.wake_blocked()

    # -- asynchronous invocation settings --------------------------------------------------

    async def put_event_invoke_config(
        self,
        function_name: str,
        *,
        maximum_retry_attempts: int | None = None,
        maximum_event_age: int | None = None,
        on_success: str | None = None,
        on_failure: str | None = None,
        scope: Scope = Scope(),
    ) -> EventInvokeConfig:
        """Replace the whole configuration; unset fields take their defaults."""
        validation.check_event_invoke_config(maximum_retry_attempts, maximum_event_age, on_success, on_failure)
        function = self.get_function(function_name, scope=scope)
        config = EventInvokeConfig(
            maximum_retry_attempts=2 if maximum_retry_attempts is None else maximum_retry_attempts,
            maximum_event_age=21_600 if maximum_event_age is None else maximum_event_age,
            on_success=on_success,
            on_failure=on_failure,
            last_modified=self.clock.now(),
        )
        await self.functions.update(function.evolve(event_invoke_config=config))
        return config

    async def update_event_invoke_config(
        self,
        function_name: str,
        *,
        maximum_retry_attempts: int | None = None,
        maximum_event_age: int | None = None,
        on_success: str | None = _UNSET,
        on_failure: str | None = _UNSET,
        scope: Scope = Scope(),
    ) -> EventInvokeConfig:
        """Change only the fields given."""
        function = self.get_function(function_name, scope=scope)
        current = function.async_config
        config = EventInvokeConfig(
            maximum_retry_attempts=current.maximum_retry_attempts
            if maximum_retry_attempts is None
            else maximum_retry_attempts,
            maximum_event_age=current.maximum_event_age if maximum_event_age is None else maximum_event_age,
            on_success=current.on_success if on_success is _UNSET else on_success,
            on_failure=current.on_failure if on_failure is _UNSET else on_failure,
            last_modified=self.clock.now(),
        )
        validation.check_event_invoke_config(
            config.maximum_retry_attempts, config.maximum_event_age, config.on_success, config.on_failure
        )
        await self.functions.update(function.evolve(event_invoke_config=config))
        return config

    def get_event_invoke_config(self, function_name: str, scope: Scope = Scope()) -> EventInvokeConfig:
        return _event_invoke_config(self.get_function(function_name, scope=scope))

    async def delete_event_invoke_config(self, function_name: str, scope: Scope = Scope()) -> None:
        function = self.get_function(function_name, scope=scope)
        _event_invoke_config(function)  # raises when there is none
        await self.functions.update(function.evolve(event_invoke_config=None))

    # -- invoke ----------------------------------------------------------------------------

    async def invoke(
        self,
        function_name: str,
        payload: bytes = b"",
        *,
        invocation_type: str = InvocationType.REQUEST_RESPONSE.value,
        qualifier: str | None = None,
        client_context: str | None = None,
        log_type: str | None = None,
        scope: Scope = Scope(),
    ) -> InvokeResult:
        name, qualifier_in_name, fn_scope = self._resolve(function_name, scope)
        qualifier = qualifier or qualifier_in_name
        _check_qualifier(qualifier, fn_scope, name)
        function = self.functions.get(str(fn_scope), name)
        kind = _invocation_type(invocation_type)
        limit = MAX_ASYNC_PAYLOAD if kind is InvocationType.EVENT else MAX_SYNC_PAYLOAD
        if len(payload) > limit:
            raise RequestTooLarge(f"Request must be smaller than {limit} bytes for the InvokeFunction operation")
        if not payload:
            payload = b"{}"  # an invoke without a payload hands the function an empty object
        _check_json(payload)
        if function.state is not FunctionState.ACTIVE:
            raise _not_active(function)
        invoked_arn = function.qualified_arn(qualifier) if qualifier else function.arn
        rid = request_id()
        if kind is InvocationType.DRY_RUN:
            return InvokeResult(204, rid, executed_version=LATEST)
        if kind is InvocationType.EVENT:
            now = self.clock.now()
            await self.queue.submit(AsyncEvent(rid, invoked_arn, payload, enqueued_at=now, due_at=now))
            return InvokeResult(202, rid)
        context = _client_context(client_context)
        record = await self.invoker.run(
            function, payload, rid, kind.value, invoked_arn=invoked_arn, client_context=context
        )
        return InvokeResult(
            200,
            rid,
            record.payload,
            record.function_error,
            LATEST,
            log_tail(record.log) if log_type == "Tail" else None,
        )

    async def deliver(self, arn: str, delivery: Delivery) -> None:
        """A delivery to a Lambda ARN is an asynchronous invoke with the body as payload."""
        try:
            await self.invoke(
                arn, delivery.body.encode(), invocation_type=InvocationType.EVENT.value, scope=_arn_scope(arn)
            )
        except Exception as exc:
            raise DeliveryFailed(str(exc)) from exc

    def _resolve(self, function_name: str, scope: Scope) -> tuple[str, str | None, Scope]:
        name, qualifier, region, account = validation.split_function_name(function_name)
        return name, qualifier, Scope(account or scope.account, region or scope.region)


class _LambdaDeliverer:
    def __init__(self, service: LambdaService) -> None:
        self._service = service

    async def deliver(self, arn: str, delivery: Delivery) -> None:
        await self._service.deliver(arn, delivery)

    def exists(self, arn: str) -> bool:
        try:
            self._service.get_function(arn, scope=_arn_scope(arn))
        except Exception:
            return False
        return True


def _arn_scope(arn: str) -> Scope:
    parts = arn.split(":")
    return Scope(parts[4], parts[3]) if len(parts) > 4 else Scope()


def _check_qualifier(qualifier: str | None, scope: Scope, name: str) -> None:
    # Only $LATEST exists until versions and aliases are published.
    if qualifier not in (None, LATEST):
        raise ResourceNotFound(
            f"Function not found: arn:aws:lambda:{scope.region}:{scope.account}:function:{name}:{qualifier}"
        )


def _invocation_type(value: str) -> InvocationType:
    try:
        return InvocationType(value)
    except ValueError:
        raise validation.constraint(
            value, "invocationType", "Member must satisfy enum value set: [Event, RequestResponse, DryRun]"
        ) from None


def _check_json(payload: bytes) -> None:
    try:
        orjson.loads(payload)
    except orjson.JSONDecodeError as exc:
        raise InvalidRequestContent(
            f"Could not parse request body into json: Could not parse payload into json: {exc}"
        ) from None


def _client_context(header: str | None) -> dict[str, Any] | None:
    if not header:
        return None
    if len(header) > MAX_CLIENT_CONTEXT:
        raise InvalidParameterValue("Client context must be 3583 bytes or less.")
    try:
        value = orjson.loads(base64.b64decode(header, validate=True))
    except (binascii.Error, orjson.JSONDecodeError):
        raise InvalidRequestContent("Client context must be a valid Base64-encoded JSON object.") from None
    if not isinstance(value, dict):
        raise InvalidRequestContent("Client context must be a valid Base64-encoded JSON object.")
    return value


def _event_invoke_config(function: FunctionConfig) -> EventInvokeConfig:
    if function.event_invoke_config is None:
        raise ResourceNotFound(f"The function {function.qualified_arn()} doesn't have an EventInvokeConfig")
    return function.event_invoke_config


def _not_active(function: FunctionConfig) -> Exception:
    return ResourceConflict(
        "The operation cannot be performed at this time. The function is currently in the following state: "
        f"{function.state.value}"
    )


def _code_directory(code_dir: str | Path) -> str:
    path = Path(code_dir).expanduser().resolve()
    if not path.is_dir():
        raise InvalidParameterValue(f"The code directory {path} does not exist or is not a directory.")
    return str(path)
