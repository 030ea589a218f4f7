"""``AWS::Lambda::Function``: a function in the Lambda service, its code taken from the app's folder."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from triggerfish.config.deploy.resources import DeployContext, PhysicalResource, as_int, generated_name, require
from triggerfish.config.errors import TemplateError
from triggerfish.core.errors import InvalidRuntime, ResourceNotFound
from triggerfish.runtime.interpreters import find_interpreter, host_runtime
from triggerfish.services.lambda_.functions import directory_digest
from triggerfish.services.lambda_.models import FunctionConfig
from triggerfish.services.lambda_.service import LambdaService

#: the file inline ``ZipFile`` code is written to for Python runtimes (CloudFormation's rule)
INLINE_MODULE = "index.py"


class LambdaFunctionHandler:
    async def create(self, context: DeployContext, logical_id: str, properties: Mapping[str, Any]) -> PhysicalResource:
        name = _function_name(context, logical_id, properties)
        config = _FunctionProperties(context, name, properties)
        service = context.services.lambda_
        await service.create_function(
            name,
            handler=config.handler,
            code_dir=config.code_dir,
            runtime=config.runtime,
            scope=context.scope,
            role=config.role,
            description=config.description,
            timeout=config.timeout,
            memory_size=config.memory_size,
            environment=config.environment,
            dead_letter_target=config.dead_letter_target,
            tags=config.tags,
            code_digest=config.code_digest,
            architectures=config.architectures,
            ephemeral_storage=config.ephemeral_storage,
        )
        if config.reserved_concurrency is not None:
            await service.put_function_concurrency(name, config.reserved_concurrency, scope=context.scope)
        return _physical(service.get_function(name, scope=context.scope))

    async def update(
        self,
        context: DeployContext,
        logical_id: str,
        properties: Mapping[str, Any],
        previous: PhysicalResource,
        previous_properties: Mapping[str, Any],
    ) -> PhysicalResource:
        name = _function_name(context, logical_id, properties)
        service = context.services.lambda_
        if name != previous.physical_id or not _exists(service, name, context):
            # a new FunctionName means a new function (CloudFormation replaces the resource)
            return await self.create(context, logical_id, properties)
        config = _FunctionProperties(context, name, properties)
        await service.update_function_configuration(
            name,
            scope=context.scope,
            handler=config.handler,
            runtime=config.runtime,
            timeout=config.timeout,
            memory_size=config.memory_size,
            environment=config.environment,
            description=config.description,
            role=config.role,
            dead_letter_target=config.dead_letter_target,
            ephemeral_storage=config.ephemeral_storage,
        )
        await service.update_function_code(
            name,
            code_dir=config.code_dir,
            scope=context.scope,
            code_digest=config.code_digest,
            architectures=config.architectures,
        )
        if config.reserved_concurrency is None:
            await service.delete_function_concurrency(name, scope=context.scope)
        else:
            await service.put_function_concurrency(name, config.reserved_concurrency, scope=context.scope)
        return _physical(service.get_function(name, scope=context.scope))

    async def delete(self, context: DeployContext, resource: PhysicalResource, properties: Mapping[str, Any]) -> None:
        service = context.services.lambda_
        if _exists(service, resource.physical_id, context):
            function = service.get_function(resource.physical_id, scope=context.scope)
            await service.delete_function(resource.physical_id, scope=context.scope)
            if context.services.code.owns(function.code_dir):
                context.services.code.discard(function.code_dir)


class _FunctionProperties:
    """The resolved properties of one function, checked and turned into the service's arguments."""

    def __init__(self, context: DeployContext, name: str, properties: Mapping[str, Any]) -> None:
        if properties.get("PackageType", "Zip") != "Zip":
            raise TemplateError("container image functions (PackageType: Image) are not supported")
        self.handler: str = require(properties, "Handler")
        self.runtime = _runtime(context, name, properties.get("Runtime"))
        self.timeout = as_int(properties.get("Timeout", 3), "Timeout")
        self.memory_size = as_int(properties.get("MemorySize", 128), "MemorySize")
        self.description = str(properties.get("Description", ""))
        self.role = str(properties.get("Role", ""))
        variables = (properties.get("Environment") or {}).get("Variables") or {}
        self.environment = {str(key): _text(value) for key, value in variables.items()}
        self.environment.update(context.environment_overrides)
        self.dead_letter_target: str | None = (properties.get("DeadLetterConfig") or {}).get("TargetArn")
        self.tags = {str(tag["Key"]): str(tag["Value"]) for tag in properties.get("Tags") or []}
        reserved = properties.get("ReservedConcurrentExecutions")
        self.reserved_concurrency = None if reserved is None else as_int(reserved, "ReservedConcurrentExecutions")
        self.architectures = tuple(properties.get("Architectures") or ("x86_64",))
        self.ephemeral_storage = as_int((properties.get("EphemeralStorage") or {}).get("Size", 512), "Size")
        self.code_dir, self.code_digest = _code(context, name, properties.get("Code"))


def _code(context: DeployContext, name: str, code: Any) -> tuple[Path, tuple[str, int] | None]:
    """Where the function's code is: a local folder or .zip (the packaged-template form), or inline."""
    if isinstance(code, str):
        path = (context.base_dir / code).resolve()
        if path.is_dir():
            return path, None
        if path.is_file() and zipfile.is_zipfile(path):
            package = context.services.code.unpack(name, path.read_bytes())
            return package.directory, (package.sha256, package.size)
        raise TemplateError(f"Code: {code} is neither a folder nor a .zip file (looked in {path})")
    if isinstance(code, Mapping) and isinstance(code.get("ZipFile"), str):
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w") as package_zip:
            package_zip.writestr(INLINE_MODULE, code["ZipFile"])
        package = context.services.code.unpack(name, archive.getvalue())
        return package.directory, (package.sha256, package.size)
    if isinstance(code, Mapping) and "S3Bucket" in code:
        raise TemplateError(
            f"Code in S3 (s3://{code.get('S3Bucket')}/{code.get('S3Key')}) cannot be run locally; "
            "give a local folder or .zip path instead"
        )
    raise TemplateError("Property Code must be a local path, {ZipFile: ...} or {S3Bucket, S3Key}")


def _runtime(context: DeployContext, name: str, given: Any) -> str:
    if given is None:
        return host_runtime()
    runtime = str(given)
    if not runtime.startswith("python3."):
        raise TemplateError(f"runtime {runtime} is not supported: triggerfish runs Python functions")
    if not context.runtime_fallback:
        return runtime
    try:
        find_interpreter(runtime)
    except InvalidRuntime:
        context.warnings.append(f"{name}: no {runtime} interpreter here; it runs with {host_runtime()}")
        return host_runtime()
    return runtime


def _function_name(context: DeployContext, logical_id: str, properties: Mapping[str, Any]) -> str:
    name = properties.get("FunctionName")
    return str(name) if name else generated_name(context.stack_name, logical_id)


def _exists(service: LambdaService, name: str, context: DeployContext) -> bool:
    try:
        service.get_function(name, scope=context.scope)
    except ResourceNotFound:
        return False
    return True


def _physical(function: FunctionConfig) -> PhysicalResource:
    return PhysicalResource(function.name, {"Arn": function.arn})


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


async def refresh_code(context: DeployContext, resource: PhysicalResource) -> bool:
    """An unchanged function whose folder changed while nothing watched it (between two ``up`` runs)."""
    service = context.services.lambda_
    if not _exists(service, resource.physical_id, context):
        return False
    function = service.get_function(resource.physical_id, scope=context.scope)
    if context.services.code.owns(function.code_dir) or not Path(function.code_dir).is_dir():
        return False
    digest = folder_digest(context.folder_digests, function.code_dir)
    if digest[0] == function.code_sha256:
        return False
    await service.update_function_code(
        function.name, code_dir=function.code_dir, scope=context.scope, code_digest=digest
    )
    return True


def folder_digest(cache: dict[str, tuple[str, int]], folder: str) -> tuple[str, int]:
    """A code folder's digest, read once however many functions share the folder (serverless.yml's do)."""
    if folder not in cache:
        cache[folder] = directory_digest(folder)
    return cache[folder]
