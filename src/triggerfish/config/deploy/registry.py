"""Which resource types a deployment can create, and the handler for each."""

from __future__ import annotations

from collections.abc import Mapping

from triggerfish.config.deploy.apigateway_http import HttpApiHandler, HttpDeploymentHandler, HttpStageHandler
from triggerfish.config.deploy.apigateway_http_routes import (
    HttpAuthorizerHandler,
    HttpIntegrationHandler,
    HttpRouteHandler,
)
from triggerfish.config.deploy.apigateway_passive import HANDLERS as API_GATEWAY_PASSIVE
from triggerfish.config.deploy.apigateway_rest import RestApiHandler
from triggerfish.config.deploy.apigateway_rest_authorizers import RestAuthorizerHandler
from triggerfish.config.deploy.apigateway_rest_methods import RestMethodHandler, RestResourceHandler
from triggerfish.config.deploy.apigateway_rest_stages import RestDeploymentHandler, RestStageHandler
from triggerfish.config.deploy.dynamodb_table import TableHandler
from triggerfish.config.deploy.events_archive import EventArchiveHandler
from triggerfish.config.deploy.events_bus import EventBusHandler, EventBusPolicyHandler
from triggerfish.config.deploy.events_rule import EventRuleHandler
from triggerfish.config.deploy.kinesis_stream import StreamConsumerHandler, StreamHandler
from triggerfish.config.deploy.lambda_function import LambdaFunctionHandler
from triggerfish.config.deploy.lambda_mapping import EventSourceMappingHandler
from triggerfish.config.deploy.lambda_settings import EventInvokeConfigHandler, PermissionHandler
from triggerfish.config.deploy.lambda_url import FunctionUrlHandler
from triggerfish.config.deploy.logs_group import LogGroupHandler
from triggerfish.config.deploy.logs_subscription import SubscriptionFilterHandler
from triggerfish.config.deploy.passive import HANDLERS as PASSIVE
from triggerfish.config.deploy.resources import ResourceHandler
from triggerfish.config.deploy.s3_bucket import BucketHandler, BucketPolicyHandler
from triggerfish.config.deploy.scheduler_schedule import ScheduleGroupHandler, ScheduleHandler
from triggerfish.config.deploy.ses_identity import EmailIdentityHandler
from triggerfish.config.deploy.ses_passive import HANDLERS as SES_PASSIVE
from triggerfish.config.deploy.ses_receipt import ReceiptRuleHandler, ReceiptRuleSetHandler
from triggerfish.config.deploy.ses_template import EmailTemplateHandler
from triggerfish.config.deploy.sns_topic import SubscriptionHandler, TopicHandler, TopicPolicyHandler
from triggerfish.config.deploy.sqs_queue import SqsQueueHandler

HANDLERS: Mapping[str, ResourceHandler] = {
    "AWS::Lambda::Function": LambdaFunctionHandler(),
    "AWS::Lambda::EventInvokeConfig": EventInvokeConfigHandler(),
    "AWS::Lambda::Permission": PermissionHandler(),
    "AWS::Lambda::EventSourceMapping": EventSourceMappingHandler(),
    "AWS::Lambda::Url": FunctionUrlHandler(),
    "AWS::SQS::Queue": SqsQueueHandler(),
    "AWS::ApiGateway::RestApi": RestApiHandler(),
    "AWS::ApiGateway::Resource": RestResourceHandler(),
    "AWS::ApiGateway::Method": RestMethodHandler(),
    "AWS::ApiGateway::Authorizer": RestAuthorizerHandler(),
    "AWS::ApiGateway::Deployment": RestDeploymentHandler(),
    "AWS::ApiGateway::Stage": RestStageHandler(),
    "AWS::ApiGatewayV2::Api": HttpApiHandler(),
    "AWS::ApiGatewayV2::Stage": HttpStageHandler(),
    "AWS::ApiGatewayV2::Integration": HttpIntegrationHandler(),
    "AWS::ApiGatewayV2::Route": HttpRouteHandler(),
    "AWS::ApiGatewayV2::Authorizer": HttpAuthorizerHandler(),
    "AWS::ApiGatewayV2::Deployment": HttpDeploymentHandler(),
    "AWS::Events::EventBus": EventBusHandler(),
    "AWS::Events::EventBusPolicy": EventBusPolicyHandler(),
    "AWS::Events::Rule": EventRuleHandler(),
    "AWS::Events::Archive": EventArchiveHandler(),
    "AWS::Scheduler::Schedule": ScheduleHandler(),
    "AWS::Scheduler::ScheduleGroup": ScheduleGroupHandler(),
    "AWS::S3::Bucket": BucketHandler(),
    "AWS::S3::BucketPolicy": BucketPolicyHandler(),
    "AWS::SNS::Topic": TopicHandler(),
    "AWS::SNS::Subscription": SubscriptionHandler(),
    "AWS::SNS::TopicPolicy": TopicPolicyHandler(),
    "AWS::SNS::TopicInlinePolicy": TopicPolicyHandler(),
    "AWS::DynamoDB::Table": TableHandler(),
    "AWS::Kinesis::Stream": StreamHandler(),
    "AWS::Kinesis::StreamConsumer": StreamConsumerHandler(),
    **PASSIVE,
    **API_GATEWAY_PASSIVE,
    **SES_PASSIVE,
    # after PASSIVE, which records log groups only: with a Logs service they are made (and without, recorded)
    "AWS::Logs::LogGroup": LogGroupHandler(),
    "AWS::Logs::SubscriptionFilter": SubscriptionFilterHandler(),
    "AWS::SES::EmailIdentity": EmailIdentityHandler(),
    "AWS::SES::Template": EmailTemplateHandler(),
    "AWS::SES::ReceiptRuleSet": ReceiptRuleSetHandler(),
    "AWS::SES::ReceiptRule": ReceiptRuleHandler(),
}
