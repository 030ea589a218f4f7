"""Function URL configurations: CreateFunctionUrlConfig and its siblings (spec §6.6)."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypedDict

from triggerfish.aws.providers.base import Call, Reply
from triggerfish.core.errors import InvalidParameterValue
from triggerfish.services.lambda_.service import LambdaService
from triggerfish.services.lambda_.url_config import FunctionUrlConfig, UrlCors

Operation = Callable[[Call], Awaitable[Reply]]
DEFAULT_MAX_ITEMS = 50  # ListFunctionUrlConfigs' MaxItems ceiling and default


class CorsShape(TypedDict, total=False):
    AllowCredentials: bool
    AllowHeaders: list[str]
    AllowMethods: list[str]
    AllowOrigins: list[str]
    ExposeHeaders: list[str]
    MaxAge: int


class UrlConfigShape(TypedDict, total=False):
    FunctionUrl: str
    FunctionArn: str
    AuthType: str
    Cors: CorsShape
    CreationTime: str
    LastModifiedTime: str
    InvokeMode: str


class UrlOperations:
    def __init__(self, service: LambdaService) -> None:
        self._urls = service.urls

    def table(self) -> dict[str, Operation]:
        return {
            "CreateFunctionUrlConfig": self.create,
            "GetFunctionUrlConfig": self.get,
            "UpdateFunctionUrlConfig": self.update,
            "DeleteFunctionUrlConfig": self.delete,
            "ListFunctionUrlConfigs": self.list,
        }

    async def create(self, call: Call) -> Reply:
        p = call.params
        config = await self._urls.create(
            p["FunctionName"],
            auth_type=p["AuthType"],
            scope=call.scope,
            qualifier=p.get("Qualifier"),
            cors=cors_from_wire(p["Cors"]) if "Cors" in p else None,
            invoke_mode=p.get("InvokeMode"),
        )
        # CreateFunctionUrlConfig's answer has no LastModifiedTime (botocore model, recorded answers)
        shape = url_config(config)
        del shape["LastModifiedTime"]
        return Reply(shape)

    async def get(self, call: Call) -> Reply:
        p = call.params
        return Reply(url_config(self._urls.get(p["FunctionName"], scope=call.scope, qualifier=p.get("Qualifier"))))

    async def update(self, call: Call) -> Reply:
        p = call.params
        config = await self._urls.update(
            p["FunctionName"],
            scope=call.scope,
            qualifier=p.get("Qualifier"),
            auth_type=p.get("AuthType"),
            cors=cors_from_wire(p["Cors"]) if "Cors" in p else None,
            invoke_mode=p.get("InvokeMode"),
        )
        return Reply(url_config(config))

    async def delete(self, call: Call) -> Reply:
        p = call.params
        await self._urls.delete(p["FunctionName"], scope=call.scope, qualifier=p.get("Qualifier"))
        return Reply()

    async def list(self, call: Call) -> Reply:
        p = call.params
        configs = self._urls.list(p["FunctionName"], scope=call.scope)
        max_items = p.get("MaxItems", DEFAULT_MAX_ITEMS)
        start = 0
        if marker := p.get("Marker"):
            after = _decode_marker(marker)
            start = next((i for i, c in enumerate(configs) if c.function_arn >= after), len(configs))
        page = configs[start : start + max_items]
        result: dict[str, Any] = {"FunctionUrlConfigs": [url_config(c) for c in page]}
        if start + max_items < len(configs):
            result["NextMarker"] = _encode_marker(configs[start + max_items].function_arn)
        return Reply(result)


def url_config(config: FunctionUrlConfig) -> UrlConfigShape:
    """``FunctionUrlConfig`` as Get, Update and List return it."""
    shape = UrlConfigShape(
        FunctionUrl=config.function_url,
        FunctionArn=config.function_arn,
        AuthType=config.auth_type,
        CreationTime=config.creation_time,
        LastModifiedTime=config.last_modified_time,
        InvokeMode=config.invoke_mode,
    )
    if config.cors is not None:
        shape["Cors"] = cors_shape(config.cors)
    return shape


def cors_shape(cors: UrlCors) -> CorsShape:
    """The members that were set; a default (false, empty, 0) is left out."""
    shape = CorsShape()
    if cors.allow_credentials:
        shape["AllowCredentials"] = True
    if cors.allow_headers:
        shape["AllowHeaders"] = list(cors.allow_headers)
    if cors.allow_methods:
        shape["AllowMethods"] = list(cors.allow_methods)
    if cors.allow_origins:
        shape["AllowOrigins"] = list(cors.allow_origins)
    if cors.expose_headers:
        shape["ExposeHeaders"] = list(cors.expose_headers)
    if cors.max_age:
        shape["MaxAge"] = cors.max_age
    return shape


def cors_from_wire(data: Mapping[str, Any]) -> UrlCors:
    return UrlCors(
        allow_credentials=bool(data.get("AllowCredentials", False)),
        allow_headers=tuple(data.get("AllowHeaders") or ()),
        allow_methods=tuple(data.get("AllowMethods") or ()),
        allow_origins=tuple(data.get("AllowOrigins") or ()),
        expose_headers=tuple(data.get("ExposeHeaders") or ()),
        max_age=int(data.get("MaxAge") or 0),
    )


def _encode_marker(function_arn: str) -> str:
    return base64.urlsafe_b64encode(function_arn.encode()).decode()


def _decode_marker(marker: str) -> str:
    try:
        return base64.urlsafe_b64decode(marker.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise InvalidParameterValue("Invalid ListFunctionUrlConfigs marker.") from None
