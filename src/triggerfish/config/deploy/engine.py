"""Deploying a stack: resources created in dependency order, updated when they changed, deleted when gone.

Like CloudFormation, a resource is created only after everything it references, a changed resource
is updated in place (or replaced, when its handler says so), and resources no longer in the
template are deleted last, in reverse order. What has been deployed is saved after every step, so a
failure or a crash leaves a state the next deployment can pick up from.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from triggerfish.config.cfn import Evaluator, Pseudo, deployment_order, resolve_parameters
from triggerfish.config.deploy.lambda_function import refresh_code
from triggerfish.config.deploy.registry import HANDLERS
from triggerfish.config.deploy.resources import (
    DeployContext,
    PhysicalResource,
    ResourceHandler,
    Services,
    SettlingHandler,
    generated_name,
)
from triggerfish.config.deploy.state import DeployedResource, StackState, StackStore
from triggerfish.config.errors import TemplateError
from triggerfish.config.model import AppDefinition, Template
from triggerfish.core.clock import Clock
from triggerfish.core.errors import TriggerfishError
from triggerfish.services.lambda_.service import Scope
from triggerfish.store.interfaces import DocumentStore


@dataclass(frozen=True)
class DeployReport:
    stack_name: str
    resources: Mapping[str, DeployedResource]
    outputs: Mapping[str, Any]
    created: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    deleted: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    #: function resources whose code changed while nothing watched it
    reloaded: tuple[str, ...] = ()
    warnings: tuple[str, ...] = field(default_factory=tuple)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted or self.reloaded)


class Deployer:
    """Deploys app definitions into the services; one deployment at a time."""

    def __init__(
        self,
        services: Services,
        documents: DocumentStore,
        clock: Clock,
        *,
        handlers: Mapping[str, ResourceHandler] = HANDLERS,
    ) -> None:
        self._services = services
        self._documents = documents
        self._clock = clock
        self._handlers = handlers
        self._lock = asyncio.Lock()

    async def deploy(
        self,
        definition: AppDefinition,
        *,
        scope: Scope | None = None,
        environment_overrides: Mapping[str, str] | None = None,
        runtime_fallback: bool = False,
    ) -> DeployReport:
        scope = scope or Scope()
        async with self._lock:
            stacks = StackStore(self._documents, self._clock, str(scope))
            previous = await stacks.load(definition.stack_name) or StackState(definition.stack_name)
            run = _Deployment(
                definition,
                DeployContext(
                    services=self._services,
                    scope=scope,
                    stack_name=definition.stack_name,
                    base_dir=definition.template.base_dir,
                    environment_overrides=dict(environment_overrides or {}),
                    runtime_fallback=runtime_fallback,
                ),
                previous,
                stacks,
                self._handlers,
            )
            return await run.execute()

    async def stack(self, name: str, *, scope: Scope | None = None) -> StackState | None:
        return await StackStore(self._documents, self._clock, str(scope or Scope())).load(name)


class _Deployment:
    def __init__(
        self,
        definition: AppDefinition,
        context: DeployContext,
        previous: StackState,
        stacks: StackStore,
        handlers: Mapping[str, ResourceHandler],
    ) -> None:
        self.definition = definition
        self.template: Template = definition.template
        self.context = context
        self.previous = previous
        self.stacks = stacks
        self.handlers = handlers
        self.current: dict[str, DeployedResource] = {}
        self.created: list[str] = []
        self.updated: list[str] = []
        self.unchanged: list[str] = []
        self.reloaded: list[str] = []
        self.deleted: list[str] = []

    async def execute(self) -> DeployReport:
        template = self.template
        parameters = self._located(lambda: resolve_parameters(template, self.definition.parameter_overrides))
        pseudo = Pseudo(
            account=self.context.scope.account,
            region=self.context.scope.region,
            stack_name=self.definition.stack_name,
        )
        evaluator = self._located(lambda: Evaluator(template, parameters, pseudo))
        order = self._located(lambda: deployment_order(template, evaluator))
        lookup = _Lookup(self.current, self.context.scope)
        for logical_id in order:
            properties = self._located(
                lambda logical_id=logical_id: evaluator.evaluate(
                    dict(template.resources[logical_id].properties), lookup, where=f"Resources.{logical_id}"
                )
            )
            await self._apply(logical_id, template.resources[logical_id].type, properties)
        await self._remove_missing(set(order))
        await self._settle()
        outputs = self._located(lambda: evaluator.outputs(lookup))
        await self._save(outputs)
        return DeployReport(
            stack_name=self.definition.stack_name,
            resources=dict(self.current),
            outputs=outputs,
            created=tuple(self.created),
            updated=tuple(self.updated),
            deleted=tuple(self.deleted),
            unchanged=tuple(self.unchanged),
            reloaded=tuple(self.reloaded),
            warnings=(*self.definition.warnings, *self.context.warnings, *_skipped_warnings(self.current)),
        )

    async def _apply(self, logical_id: str, type_: str, properties: dict[str, Any]) -> None:
        handler = self.handlers.get(type_)
        before = self.previous.resources.get(logical_id)
        if before is not None and before.type != type_:
            await self._delete(before)
            before = None
        if handler is None:
            physical = before.physical_id if before else generated_name(self.definition.stack_name, logical_id)
            self.current[logical_id] = DeployedResource(logical_id, type_, physical, {}, properties, skipped=True)
            return
        try:
            if before is None or before.skipped:
                result = await handler.create(self.context, logical_id, properties)
                self.created.append(logical_id)
            elif before.properties == properties:
                result = PhysicalResource(before.physical_id, before.attributes)
                self.unchanged.append(logical_id)
                if type_ == "AWS::Lambda::Function" and await refresh_code(self.context, result):
                    self.reloaded.append(logical_id)
            else:
                previous = PhysicalResource(before.physical_id, before.attributes)
                result = await handler.update(self.context, logical_id, properties, previous, before.properties)
                self.updated.append(logical_id)
                if result.physical_id != before.physical_id:
                    # replaced: the old one goes, as CloudFormation does in its clean-up phase
                    await handler.delete(self.context, previous, before.properties)
        except TriggerfishError as exc:
            await self._save({})
            raise self._failed(exc, logical_id) from None
        self.current[logical_id] = DeployedResource(
            logical_id, type_, result.physical_id, result.attributes, properties
        )
        await self._save({})

    async def _settle(self) -> None:
        """Let resources that capture others catch up with this deployment's changes.

        CloudFormation leaves an ``AWS::ApiGateway::Deployment`` whose properties did not change alone,
        so a stage keeps serving the old methods after a stack update; locally the change is expected
        to show, so handlers that capture other resources (see ``SettlingHandler``) are asked, after
        every creation, update and deletion, whether to make their resource anew.
        """
        for logical_id, resource in list(self.current.items()):
            handler = self.handlers.get(resource.type)
            if resource.skipped or not isinstance(handler, SettlingHandler):
                continue
            physical = PhysicalResource(resource.physical_id, resource.attributes)
            try:
                result = await handler.settle(self.context, logical_id, physical, resource.properties)
            except TriggerfishError as exc:
                await self._save({})
                raise self._failed(exc, logical_id) from None
            if result is None:
                continue
            self.current[logical_id] = replace(resource, physical_id=result.physical_id, attributes=result.attributes)
            if logical_id in self.unchanged:
                self.unchanged.remove(logical_id)
                self.updated.append(logical_id)
            await self._save({})

    def _failed(self, exc: TriggerfishError, logical_id: str) -> TemplateError:
        where = f"Resources.{logical_id}"
        if isinstance(exc, TemplateError):
            return exc.located(file=self.template.source, where=where)
        return TemplateError(f"{exc.code}: {exc.message}", file=self.template.source, where=where)

    async def _remove_missing(self, kept: set[str]) -> None:
        for logical_id in reversed(list(self.previous.resources)):
            if logical_id not in kept:
                await self._delete(self.previous.resources[logical_id])

    async def _delete(self, resource: DeployedResource) -> None:
        handler = self.handlers.get(resource.type)
        if handler is not None and not resource.skipped:
            physical = PhysicalResource(resource.physical_id, resource.attributes)
            try:
                await handler.delete(self.context, physical, resource.properties)
            except TriggerfishError as exc:
                raise TemplateError(
                    f"cannot delete: {exc.message}", file=self.template.source, where=f"Resources.{resource.logical_id}"
                ) from None
        self.deleted.append(resource.logical_id)

    async def _save(self, outputs: Mapping[str, Any]) -> None:
        # resources deployed so far, plus those of the previous deployment not yet dealt with
        kept = {
            key: value
            for key, value in self.previous.resources.items()
            if key not in self.current and key not in self.deleted
        }
        await self.stacks.save(StackState(self.definition.stack_name, {**self.current, **kept}, outputs))

    def _located(self, step: Any) -> Any:
        try:
            return step()
        except TemplateError as exc:
            raise exc.located(file=self.template.source) from None


class _Lookup:
    """``Ref`` and ``Fn::GetAtt`` against what this deployment has created so far."""

    def __init__(self, resources: Mapping[str, DeployedResource], scope: Scope) -> None:
        self._resources = resources
        self._scope = scope

    def ref(self, logical_id: str) -> Any:
        return self._get(logical_id).physical_id

    def get_att(self, logical_id: str, attribute: str) -> Any:
        resource = self._get(logical_id)
        if attribute in resource.attributes:
            return resource.attributes[attribute]
        if resource.skipped:
            # a stand-in so that references to a type not supported yet still resolve
            service = resource.type.split("::")[1].lower() if resource.type.count("::") == 2 else "unknown"
            if attribute == "Arn":
                return f"arn:aws:{service}:{self._scope.region}:{self._scope.account}:{resource.physical_id}"
            return f"{resource.physical_id}.{attribute}"
        raise TemplateError(
            f"Template error: resource {logical_id} does not support attribute type {attribute} in Fn::GetAtt"
        )

    def _get(self, logical_id: str) -> DeployedResource:
        resource = self._resources.get(logical_id)
        if resource is None:
            raise TemplateError(f"Template format error: Unresolved resource dependencies [{logical_id}]")
        return resource


def _skipped_warnings(resources: Mapping[str, DeployedResource]) -> list[str]:
    by_type: dict[str, list[str]] = {}
    for resource in resources.values():
        if resource.skipped:
            by_type.setdefault(resource.type, []).append(resource.logical_id)
    return [
        f"Resources {', '.join(ids)}: {type_} is not supported yet; skipped" for type_, ids in sorted(by_type.items())
    ]
