"""Which resource types a deployment can create, and the handler for each."""

from __future__ import annotations

from collections.abc import Mapping

from triggerfish.config.deploy.lambda_function import LambdaFunctionHandler
from triggerfish.config.deploy.lambda_settings import EventInvokeConfigHandler, PermissionHandler
from triggerfish.config.deploy.passive import HANDLERS as PASSIVE
from triggerfish.config.deploy.resources import ResourceHandler

HANDLERS: Mapping[str, ResourceHandler] = {
    "AWS::Lambda::Function": LambdaFunctionHandler(),
    "AWS::Lambda::EventInvokeConfig": EventInvokeConfigHandler(),
    "AWS::Lambda::Permission": PermissionHandler(),
    **PASSIVE,
}
