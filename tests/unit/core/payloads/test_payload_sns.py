"""SNS records for Lambda subscriptions (spec §5.2)."""

from __future__ import annotations

from typing import Any

from triggerfish.core.payloads.attributes import MessageAttribute
from triggerfish.core.payloads.sns import sns_event, sns_record, unsubscribe_url_for

_TOPIC = "arn:aws:sns:us-east-2:123456789012:sns-lambda"
_SUBSCRIPTION = f"{_TOPIC}:21be56ed-a058-49f5-8c98-aedd2564c486"
_COMMON: dict[str, Any] = {
    "topic_arn": _TOPIC,
    "subscription_arn": _SUBSCRIPTION,
    "message_id": "95df01b4-ee98-5cb9-9903-4c221d41eb5e",
    "message": "Hello from SNS!",
    "time": 1546433107.0,
    "signature": "tcc6faL2yUC6dgZdmrwh1Y4cGa/ebXEkAi6RibDsvpi+tE/1+82j",
    "signing_cert_url": "https://sns.us-east-2.amazonaws.com/SimpleNotificationService-ac565b8b1a6c5d002d285f9598aa1d9b.pem",
}


def test_a_record_in_aws_shape() -> None:
    record = sns_record(subject="TestInvoke", **_COMMON)
    assert record == {
        "EventSource": "aws:sns",
        "EventVersion": "1.0",
        "EventSubscriptionArn": _SUBSCRIPTION,
        "Sns": {
            "Type": "Notification",
            "MessageId": "95df01b4-ee98-5cb9-9903-4c221d41eb5e",
            "TopicArn": _TOPIC,
            "Subject": "TestInvoke",
            "Message": "Hello from SNS!",
            "Timestamp": "2019-01-02T12:45:07.000Z",
            "SignatureVersion": "1",
            "Signature": _COMMON["signature"],
            "SigningCertUrl": _COMMON["signing_cert_url"],
            "UnsubscribeUrl": f"https://sns.us-east-2.amazonaws.com/?Action=Unsubscribe&SubscriptionArn={_SUBSCRIPTION}",
            "MessageAttributes": {},
        },
    }


def test_no_subject_is_null_and_no_attributes_is_an_empty_object() -> None:
    message = sns_record(**_COMMON)["Sns"]
    assert "Subject" in message
    assert message["Subject"] is None
    assert message["MessageAttributes"] == {}


def test_attributes_as_type_and_value_with_binary_in_base64() -> None:
    record = sns_record(
        **_COMMON,
        message_attributes={
            "Test": MessageAttribute("String", "TestString"),
            "Count": MessageAttribute("Number", "12"),
            "Tags": MessageAttribute("String.Array", '["a", "b"]'),
            "Bin": MessageAttribute("Binary", binary_value=b"TestBinary"),
        },
    )
    assert record["Sns"]["MessageAttributes"] == {
        "Test": {"Type": "String", "Value": "TestString"},
        "Count": {"Type": "Number", "Value": "12"},
        "Tags": {"Type": "String.Array", "Value": '["a", "b"]'},
        "Bin": {"Type": "Binary", "Value": "VGVzdEJpbmFyeQ=="},
    }


def test_json_messages_stay_strings_and_urls_can_be_given() -> None:
    record = sns_record(**{**_COMMON, "message": '{"a": 1}'}, unsubscribe_url="http://127.0.0.1:4566/?unsubscribe")
    assert record["Sns"]["Message"] == '{"a": 1}'
    assert record["Sns"]["UnsubscribeUrl"] == "http://127.0.0.1:4566/?unsubscribe"


def test_unsubscribe_url_uses_the_subscriptions_region() -> None:
    assert unsubscribe_url_for("arn:aws:sns:eu-west-3:1:t:s").startswith("https://sns.eu-west-3.amazonaws.com/")


def test_envelope() -> None:
    record = sns_record(**_COMMON)
    assert sns_event([record]) == {"Records": [record]}
