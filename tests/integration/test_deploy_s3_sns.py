"""Deploying S3 buckets and SNS topics from CloudFormation, checked through boto3 against the
running endpoint: notifications reach their destinations, subscriptions filter, policies stick."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

import triggerfish
from triggerfish.cloud import Cloud

HANDLER = "def handler(event, context):\n    return event\n"
STACK = """
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: uploads-fn
      Handler: app.handler
      Runtime: python3.12
      Code: src
      Role: arn:aws:iam::000000000000:role/r
  Removed:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: removed-objects
  Everything:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: every-order
  Big:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: big-orders
  Orders:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: orders
      DisplayName: Orders
      Subscription:
        - Protocol: sqs
          Endpoint: !GetAtt Everything.Arn
  BigOnly:
    Type: AWS::SNS::Subscription
    Properties:
      TopicArn: !Ref Orders
      Protocol: sqs
      Endpoint: !GetAtt Big.Arn
      RawMessageDelivery: true
      FilterPolicy:
        total: [{numeric: [">=", 100]}]
  OrdersPolicy:
    Type: AWS::SNS::TopicPolicy
    Properties:
      Topics: [!Ref Orders]
      PolicyDocument:
        Version: "2012-10-17"
        Statement: [{Effect: Allow, Principal: {Service: s3.amazonaws.com}, Action: "sns:Publish", Resource: "*"}]
  Uploads:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: cfn-uploads
      VersioningConfiguration: {Status: Enabled}
      Tags: [{Key: team, Value: media}]
      NotificationConfiguration:
        LambdaConfigurations:
          - Event: s3:ObjectCreated:*
            Function: !GetAtt Fn.Arn
            Filter: {S3Key: {Rules: [{Name: prefix, Value: logos/}, {Name: suffix, Value: .png}]}}
        QueueConfigurations:
          - Event: s3:ObjectRemoved:*
            Queue: !GetAtt Removed.Arn
        TopicConfigurations:
          - Event: s3:ObjectCreated:*
            Topic: !Ref Orders
            Filter: {S3Key: {Rules: [{Name: prefix, Value: orders/}]}}
Outputs:
  BucketArn:
    Value: !GetAtt Uploads.Arn
  TopicName:
    Value: !GetAtt Orders.TopicName
"""


@pytest.fixture(scope="module")
def cloud() -> Iterator[Cloud]:
    with triggerfish.local() as local_cloud:
        yield local_cloud


def client(cloud: Cloud, service: str) -> Any:
    return boto3.client(
        service,
        endpoint_url=cloud.endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"total_max_attempts": 1}),
    )


def drain(sqs: Any, queue: str) -> list[dict[str, Any]]:
    url = sqs.get_queue_url(QueueName=queue)["QueueUrl"]
    found: list[dict[str, Any]] = []
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"]).get(
        "Messages"
    ):
        for message in messages:
            found.append(message)
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return found


def test_a_stack_wires_a_bucket_and_a_topic(cloud: Cloud, tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text(HANDLER)
    (tmp_path / "template.yaml").write_text(STACK)
    report = cloud.deploy(tmp_path)
    assert report.outputs == {"BucketArn": "arn:aws:s3:::cfn-uploads", "TopicName": "orders"}
    s3, sns, sqs = client(cloud, "s3"), client(cloud, "sns"), client(cloud, "sqs")
    topic = sns.list_topics()["Topics"][0]["TopicArn"]
    attributes = sns.get_topic_attributes(TopicArn=topic)["Attributes"]
    assert attributes["DisplayName"] == "Orders" and attributes["SubscriptionsConfirmed"] == "2"
    assert json.loads(attributes["Policy"])["Statement"][0]["Action"] == "sns:Publish"
    assert s3.get_bucket_versioning(Bucket="cfn-uploads")["Status"] == "Enabled"
    assert s3.get_bucket_tagging(Bucket="cfn-uploads")["TagSet"] == [{"Key": "team", "Value": "media"}]
    # the queue and the topic destinations were sent S3's test event when the bucket was configured
    (tested,) = drain(sqs, "removed-objects")
    assert json.loads(tested["Body"])["Event"] == "s3:TestEvent"
    drain(sqs, "every-order")

    s3.put_object(Bucket="cfn-uploads", Key="logos/a.png", Body=b"png")
    s3.put_object(Bucket="cfn-uploads", Key="orders/1.json", Body=b"{}")
    s3.delete_object(Bucket="cfn-uploads", Key="logos/a.png")
    cloud.settle()
    (invocation,) = cloud.invocations_of("uploads-fn")
    record = json.loads(invocation.payload)["Records"][0]
    assert (record["eventName"], record["s3"]["object"]["key"]) == ("ObjectCreated:Put", "logos/a.png")
    (removed,) = drain(sqs, "removed-objects")
    assert json.loads(removed["Body"])["Records"][0]["eventName"] == "ObjectRemoved:DeleteMarkerCreated"
    (via_topic,) = drain(sqs, "every-order")
    envelope = json.loads(via_topic["Body"])
    assert envelope["Subject"] == "Amazon S3 Notification"
    assert json.loads(envelope["Message"])["Records"][0]["s3"]["object"]["key"] == "orders/1.json"

    sns.publish(
        TopicArn=topic, Message="small", MessageAttributes={"total": {"DataType": "Number", "StringValue": "5"}}
    )
    sns.publish(
        TopicArn=topic, Message="big", MessageAttributes={"total": {"DataType": "Number", "StringValue": "500"}}
    )
    assert [message["Body"] for message in drain(sqs, "big-orders")] == ["big"]
    assert sorted(json.loads(m["Body"])["Message"] for m in drain(sqs, "every-order")) == ["big", "small"]
