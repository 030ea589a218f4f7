"""Routing requests to services as the SDKs send them."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest
from botocore.config import Config
from botocore.parsers import create_parser
from wire_harness import WireClient, to_http_request

from triggerfish.aws.protocol import Headers, HttpRequest, load_service
from triggerfish.aws.routing import ServiceRoute, UnsupportedService, not_implemented, route


def _sent(service: str, operation: str, params: dict[str, Any], **options: Any) -> HttpRequest:
    client = WireClient(service, **options)
    client.call(operation, params)
    return client.exchanges[-1].request


@pytest.mark.parametrize(
    ("service", "operation", "params"),
    [
        ("sqs", "ListQueues", {}),
        ("sns", "ListTopics", {}),
        ("ses", "GetSendQuota", {}),
        ("events", "ListRules", {}),
        ("dynamodb", "ListTables", {}),
        ("dynamodbstreams", "ListStreams", {}),
        ("kinesis", "ListStreams", {}),
        ("logs", "DescribeLogGroups", {}),
        ("lambda", "ListFunctions", {}),
        ("scheduler", "ListSchedules", {}),
        ("apigatewayv2", "GetApis", {}),
        ("s3", "ListBuckets", {}),
        ("s3", "GetObject", {"Bucket": "b", "Key": "k"}),
    ],
)
def test_signed_requests_route_by_credential_scope(service: str, operation: str, params: dict[str, Any]) -> None:
    request = _sent(service, operation, params, region="eu-west-1")
    assert route(request) == ServiceRoute(service, "eu-west-1")


def test_virtual_hosted_s3() -> None:
    request = _sent("s3", "GetObject", {"Bucket": "b", "Key": "k"}, config=Config(s3={"addressing_style": "virtual"}))
    assert route(request) == ServiceRoute("s3", "us-east-1")
    unsigned = HttpRequest("GET", "/k", headers=Headers({"Host": "b.s3.localhost.localstack.cloud:4566"}))
    assert route(unsigned) == ServiceRoute("s3", "us-east-1")


def test_presigned_url() -> None:
    client = boto3.session.Session(aws_access_key_id="AKID", aws_secret_access_key="s").client(
        "s3",
        endpoint_url="http://localhost:4566",
        region_name="ap-south-1",
        config=Config(signature_version="s3v4"),
    )
    url = urlsplit(client.generate_presigned_url("get_object", Params={"Bucket": "b", "Key": "k"}))
    request = HttpRequest("GET", url.path, url.query, Headers({"Host": url.netloc}))
    assert route(request) == ServiceRoute("s3", "ap-south-1")


def test_unsupported_services_are_named_with_their_operation() -> None:
    ec2 = boto3.session.Session(aws_access_key_id="a", aws_secret_access_key="s").client(
        "ec2", endpoint_url="http://localhost:4566", region_name="us-west-2"
    )
    captured: list[HttpRequest] = []

    def capture(request: Any, **_: Any) -> None:
        captured.append(to_http_request(request))
        raise _Stop

    ec2.meta.events.register("before-send", capture)
    with pytest.raises(_Stop):
        ec2.describe_instances()
    assert route(captured[0]) == UnsupportedService("ec2", "us-west-2", "DescribeInstances")


class _Stop(Exception):
    pass


def test_unsupported_json_service_names_the_target() -> None:
    headers = Headers(
        {
            "X-Amz-Target": "AWSCognitoIdentityProviderService.ListUserPools",
            "Authorization": "AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/cognito-idp/aws4_request, "
            "SignedHeaders=host, Signature=abc",
        }
    )
    routed = route(HttpRequest("POST", "/", headers=headers, body=b"{}"))
    assert routed == UnsupportedService("cognito-idp", "us-east-1", "ListUserPools")


def test_api_gateway_v1_shares_the_signing_name_but_is_not_v2() -> None:
    headers = Headers({"Authorization": "AWS4-HMAC-SHA256 Credential=A/20250101/us-east-1/apigateway/aws4_request"})
    assert route(HttpRequest("GET", "/restapis", headers=headers)) == ServiceRoute("apigateway", "us-east-1")
    assert route(HttpRequest("GET", "/restapis", headers=headers), {"apigatewayv2"}) == UnsupportedService(
        "apigateway", "us-east-1", None
    )
    assert route(HttpRequest("GET", "/v2/apis", headers=headers)) == ServiceRoute("apigatewayv2", "us-east-1")


@pytest.mark.parametrize(
    ("request_", "service"),
    [
        (HttpRequest("GET", "/2015-03-31/functions/"), "lambda"),
        (HttpRequest("POST", "/2015-03-31/functions/f/invocations", body=b"{}"), "lambda"),
        (HttpRequest("GET", "/schedules"), "scheduler"),
        (HttpRequest("POST", "/", headers=Headers({"X-Amz-Target": "AmazonSQS.ListQueues"})), "sqs"),
        (
            HttpRequest("POST", "/", headers=Headers({"X-Amz-Target": "DynamoDBStreams_20120810.ListStreams"})),
            "dynamodbstreams",
        ),
        (HttpRequest("POST", "/", body=b"Action=Publish&TopicArn=t&Message=m"), "sns"),
        (HttpRequest("GET", "/", "Action=SendEmail"), "ses"),
        (
            HttpRequest("POST", "/", headers=Headers({"Host": "sqs.eu-west-1.localhost.localstack.cloud"})),
            "sqs",
        ),
        (
            HttpRequest("POST", "/", headers=Headers({"Host": "streams.dynamodb.us-east-1.amazonaws.com"})),
            "dynamodbstreams",
        ),
        (HttpRequest("GET", "/bucket/key"), "s3"),
        (HttpRequest("GET", "/", headers=Headers({"Host": "sqs.us-east-1.localhost:4566"})), "sqs"),
        (HttpRequest("GET", "/k", headers=Headers({"Host": "b.localhost:4566"})), "s3"),
        (HttpRequest("PUT", "/bucket", headers=Headers({"Host": "127.0.0.1:4566"})), "s3"),
    ],
)
def test_unsigned_requests(request_: HttpRequest, service: str) -> None:
    assert route(request_) == ServiceRoute(service, "us-east-1")


def test_only_the_services_offered_are_routed() -> None:
    request = HttpRequest("POST", "/", headers=Headers({"X-Amz-Target": "AmazonSQS.ListQueues"}))
    assert route(request, supported={"s3"}) == UnsupportedService("AmazonSQS", "us-east-1", "ListQueues")


@pytest.mark.parametrize(("service", "protocol"), [("cognito-idp", "json"), ("sts", "query"), ("ec2", "ec2")])
def test_not_implemented_answer_is_readable_by_the_sdk(service: str, protocol: str) -> None:
    unsupported = UnsupportedService(service, "us-east-1", "DoThing")
    response = not_implemented(unsupported, "rid")
    assert response.status == 501
    assert isinstance(response.body, bytes)
    if protocol == "ec2":
        assert b"NotImplemented" in response.body
        return
    parsed = create_parser(protocol).parse(
        {"status_code": 501, "headers": dict(response.headers.items()), "body": response.body}, None
    )
    assert parsed["Error"]["Code"] == "NotImplemented"
    assert "DoThing" in parsed["Error"]["Message"] and service in parsed["Error"]["Message"]
    assert load_service(service)  # the answer used the service's own protocol
