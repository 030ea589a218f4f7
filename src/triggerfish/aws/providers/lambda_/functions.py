"""CreateFunction, GetFunction, ListFunctions, the two updates and DeleteFunction."""

from __future__ import annotations

import asyncio
import base64
import binascii
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from triggerfish.aws.providers.base import Call, Reply
from triggerfish.aws.providers.lambda_ import shapes
from triggerfish.core.errors import InvalidParameterValue
from triggerfish.services.lambda_ import validation
from triggerfish.services.lambda_.code import CodeStore, Package
from triggerfish.services.lambda_.models import LATEST, FunctionConfig
from triggerfish.services.lambda_.permissions import PreconditionFailed
from triggerfish.services.lambda_.service import LambdaService

Operation = Callable[[Call], Awaitable[Reply]]
DEFAULT_MAX_ITEMS = 50


class FunctionOperations:
    def __init__(self, service: LambdaService, code: CodeStore) -> None:
        self._service = service
        self._code = code

    def table(self) -> dict[str, Operation]:
        return {
            "CreateFunction": self.create_function,
            "GetFunction": self.get_function,
            "GetFunctionConfiguration": self.get_function_configuration,
            "ListFunctions": self.list_functions,
            "UpdateFunctionCode": self.update_function_code,
            "UpdateFunctionConfiguration": self.update_function_configuration,
            "DeleteFunction": self.delete_function,
        }

    async def create_function(self, call: Call) -> Reply:
        p = call.params
        if p.get("PackageType", "Zip") != "Zip":
            raise InvalidParameterValue("triggerfish runs .zip packages only; PackageType Image is not available.")
        if not p.get("Runtime") or not p.get("Handler"):
            # AWS: both are mandatory for functions created from deployment packages.
            raise InvalidParameterValue(
                "Runtime and Handler are mandatory parameters for functions created with deployment packages."
            )
        name = validation.split_function_name(p["FunctionName"])[0]
        package = await self._unpack(name, p["Code"])
        try:
            created = await self._service.create_function(
                p["FunctionName"],
                handler=p["Handler"],
                code_dir=package.directory,
                runtime=p["Runtime"],
                scope=call.scope,
                role=p.get("Role", ""),
                description=p.get("Description", ""),
                timeout=p.get("Timeout", 3),
                memory_size=p.get("MemorySize", 128),
                environment=p.get("Environment", {}).get("Variables"),
                dead_letter_target=p.get("DeadLetterConfig", {}).get("TargetArn") or None,
                tags=p.get("Tags"),
                managed_code=True,
                **_package_fields(package, p),
            )
        except BaseException:
            if package.created:
                self._code.discard(package.directory)
            raise
        # The answer describes the function as it was created: State Pending (observed 201 answer).
        return Reply(shapes.configuration(created), status=201)

    async def get_function(self, call: Call) -> Reply:
        function = self._get(call)
        result: dict[str, Any] = {
            "Configuration": shapes.configuration(function),
            "Code": shapes.code_location(function),
        }
        if function.tags:
            result["Tags"] = dict(function.tags)
        if function.reserved_concurrency is not None:
            result["Concurrency"] = {"ReservedConcurrentExecutions": function.reserved_concurrency}
        return Reply(result)

    async def get_function_configuration(self, call: Call) -> Reply:
        return Reply(shapes.configuration(self._get(call)))

    async def list_functions(self, call: Call) -> Reply:
        functions = self._service.list_functions(call.scope)
        max_items = call.params.get("MaxItems", DEFAULT_MAX_ITEMS)
        start = 0
        if marker := call.params.get("Marker"):
            after = _decode_marker(marker)
            start = next((i for i, f in enumerate(functions) if f.name >= after), len(functions))
        page = functions[start : start + max_items]
        result: dict[str, Any] = {"Functions": [shapes.configuration(f) for f in page]}
        if start + max_items < len(functions):
            result["NextMarker"] = _encode_marker(functions[start + max_items].name)
        return Reply(result)

    async def update_function_code(self, call: Call) -> Reply:
        p = call.params
        function = self._get(call, revision_id=p.get("RevisionId"))
        package = await self._unpack(function.name, p)
        try:
            updated = await self._service.update_function_code(
                p["FunctionName"],
                code_dir=package.directory,
                scope=call.scope,
                code_digest=(package.sha256, package.size),
                architectures=tuple(p["Architectures"]) if p.get("Architectures") else None,
            )
        except BaseException:
            if package.created:
                self._code.discard(package.directory)
            raise
        if function.managed_code and function.code_dir != updated.code_dir:
            self._discard_unused(function.code_dir)
        return Reply(shapes.configuration(updated, updating=True))

    async def update_function_configuration(self, call: Call) -> Reply:
        p = call.params
        self._get(call, revision_id=p.get("RevisionId"))
        environment = p["Environment"].get("Variables", {}) if "Environment" in p else None
        optional: dict[str, Any] = {}
        if "DeadLetterConfig" in p:  # an empty TargetArn removes the queue
            optional["dead_letter_target"] = p["DeadLetterConfig"].get("TargetArn", "")
        updated = await self._service.update_function_configuration(
            p["FunctionName"],
            scope=call.scope,
            handler=p.get("Handler"),
            runtime=p.get("Runtime"),
            timeout=p.get("Timeout"),
            memory_size=p.get("MemorySize"),
            environment=environment,
            description=p.get("Description"),
            role=p.get("Role"),
            ephemeral_storage=p["EphemeralStorage"]["Size"] if "EphemeralStorage" in p else None,
            **optional,
        )
        return Reply(shapes.configuration(updated, updating=True))

    async def delete_function(self, call: Call) -> Reply:
        qualifier = call.params.get("Qualifier")
        if qualifier == LATEST:
            raise InvalidParameterValue("$LATEST version cannot be deleted without deleting the function.")
        if qualifier:
            self._get(call)  # only $LATEST exists, so any other qualifier is not found
        deleted = await self._service.delete_function(call.params["FunctionName"], scope=call.scope)
        if deleted.managed_code:
            self._discard_unused(deleted.code_dir)
        return Reply(status=204)  # AWS answers DeleteFunction with 204 No Content

    def _get(self, call: Call, *, revision_id: str | None = None) -> FunctionConfig:
        function = self._service.get_function(
            call.params["FunctionName"], call.params.get("Qualifier"), scope=call.scope
        )
        if revision_id and revision_id != function.revision_id:
            raise PreconditionFailed(
                "The Revision Id provided does not match the latest Revision Id. "
                "Call the GetFunction/GetAlias API to retrieve the latest Revision Id"
            )
        return function

    async def _unpack(self, name: str, code: Mapping[str, Any]) -> Package:
        archive = code.get("ZipFile")
        if archive is None:
            if code.get("S3Bucket") or code.get("S3Key"):
                raise InvalidParameterValue(
                    "triggerfish cannot fetch code from S3 yet: upload the .zip package as ZipFile instead."
                )
            if code.get("ImageUri"):
                raise InvalidParameterValue("triggerfish runs .zip packages only; ImageUri is not available.")
            raise InvalidParameterValue("Please provide a source for function code.")
        return await asyncio.to_thread(self._code.unpack, name, bytes(archive))

    def _discard_unused(self, directory: str) -> None:
        if not any(f.code_dir == directory for f in self._service.functions.all()):
            self._code.discard(directory)


def _package_fields(package: Package, params: Mapping[str, Any]) -> dict[str, Any]:
    # CodeSha256 and CodeSize describe the uploaded .zip, as AWS reports them.
    fields: dict[str, Any] = {"code_digest": (package.sha256, package.size)}
    if params.get("Architectures"):
        fields["architectures"] = tuple(params["Architectures"])
    if "EphemeralStorage" in params:
        fields["ephemeral_storage"] = params["EphemeralStorage"]["Size"]
    return fields


def _encode_marker(name: str) -> str:
    return base64.urlsafe_b64encode(name.encode()).decode()


def _decode_marker(marker: str) -> str:
    try:
        return base64.urlsafe_b64decode(marker.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise InvalidParameterValue("Invalid ListFunctions marker.") from None
