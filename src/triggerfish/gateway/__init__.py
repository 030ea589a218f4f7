"""The HTTP gateway: API Gateway REST APIs (payload 1.0), HTTP APIs (payload 2.0 and 1.0) and Lambda
Function URLs, serving requests from the views the management services keep (spec §6)."""

from triggerfish.gateway.app_port import AppPortApp
from triggerfish.gateway.gateway import GatewayApp
from triggerfish.gateway.ports import (
    Caller,
    Functions,
    FunctionUrlLookup,
    HttpApis,
    RestApis,
    SignatureVerifier,
    Unauthenticated,
)

__all__ = [
    "AppPortApp",
    "Caller",
    "FunctionUrlLookup",
    "Functions",
    "GatewayApp",
    "HttpApis",
    "RestApis",
    "SignatureVerifier",
    "Unauthenticated",
]
