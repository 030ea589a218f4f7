"""Which resource types a deployment can create, and the handler for each."""

from __future__ import annotations

from collections.abc import Mapping

from triggerfish.config.deploy.lambda_function import LambdaFunctionHandler
from triggerfish.config.deploy.lambda_mapping import EventSourceMappingHandler
from triggerfish.config.deploy.lambda_settings import EventInvokeConfigHandler, PermissionHandler
from triggerfish.config.deploy.lambda_url import FunctionUrlHandler
from triggerfish.config.deploy.passive import HANDLERS as PASSIVE
from triggerfish.config.deploy.resources import ResourceHandler
from triggerfish.config.deploy.sqs_queue import SqsQueueHandler

HANDLERS: Mapping[str, ResourceHandler] = {
    "AWS::Lambda::Function": LambdaFunctionHandler(),
    "AWS::Lambda::EventInvokeConfig": EventInvokeConfigHandler(),
    "AWS::Lambda::Permission": PermissionHandler(),
    "AWS::Lambda::EventSourceMapping": EventSourceMappingHandler(),
    "AWS::Lambda::Url": FunctionUrlHandler(),
    "AWS::SQS::Queue": SqsQueueHandler(),
    **PASSIVE,
}
