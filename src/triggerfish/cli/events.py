"""``triggerfish events generate SERVICE EVENT``: print a sample event, built as the trigger itself builds it."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from triggerfish.cli.output import fail
from triggerfish.config.errors import TemplateError
from triggerfish.core import ids
from triggerfish.core.clock import SystemClock
from triggerfish.core.payloads import samples
from triggerfish.core.payloads.attributes import MessageAttribute
from triggerfish.core.payloads.dynamodb import StreamEventName, StreamViewType
from triggerfish.core.payloads.errors import PayloadError


@dataclass(frozen=True)
class _Option:
    flag: str
    help: str
    default: str | None = None
    repeatable: bool = False
    file: bool = False


Builder = Callable[["_Values"], object]


@dataclass(frozen=True)
class _Sample:
    service: str
    event: str
    help: str
    options: tuple[_Option, ...]
    build: Builder


_SERVICES = {
    "s3": "S3 event notifications",
    "sqs": "SQS queues read by an event source mapping",
    "sns": "SNS topic subscriptions",
    "eventbridge": "EventBridge rules: events on a bus and schedules",
    "apigateway": "API Gateway REST APIs (payload 1.0) and HTTP APIs (payload 2.0)",
    "lambda-url": "Lambda Function URLs",
    "dynamodb": "DynamoDB Streams read by an event source mapping",
    "kinesis": "Kinesis streams read by an event source mapping",
}
_SAMPLES: list[_Sample] = []


def configure(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="events_command", metavar="ACTION", required=True)
    generate = actions.add_parser(
        "generate",
        help="print a sample event for a trigger",
        description="Print a sample event, exactly as the trigger hands it to a function, as JSON on stdout.",
    )
    services = generate.add_subparsers(dest="service", metavar="SERVICE", required=True)
    for service, service_help in _SERVICES.items():
        service_parser = services.add_parser(service, help=service_help, description=service_help)
        events = service_parser.add_subparsers(dest="event", metavar="EVENT", required=True)
        for sample in (sample for sample in _SAMPLES if sample.service == service):
            event_parser = events.add_parser(sample.event, help=sample.help, description=sample.help)
            for option in sample.options:
                if option.repeatable:
                    event_parser.add_argument(option.flag, action="append", default=[], help=option.help)
                else:
                    event_parser.add_argument(option.flag, default=option.default, help=option.help)
            event_parser.set_defaults(sample=sample)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    sample: _Sample = args.sample
    try:
        event = sample.build(_Values(args, sample.options, SystemClock().now()))
    except TemplateError as exc:
        return fail(exc.message)
    except PayloadError as exc:
        return fail(str(exc))
    sys.stdout.write(json.dumps(event, indent=2) + "\n")
    return 0


class _Values:
    """One sample's options, read and checked on demand: a bad value raises ``TemplateError`` naming the option."""

    def __init__(self, args: argparse.Namespace, options: Sequence[_Option], now: float) -> None:
        self._args = args
        self._files = {option.flag for option in options if option.file}
        self.now = now

    def given(self, flag: str) -> bool:
        return self._value(flag) is not None

    def text(self, flag: str) -> str:
        data = self.raw(flag)
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise TemplateError("the file is not UTF-8 text", where=flag) from None

    def optional_text(self, flag: str) -> str | None:
        return self.text(flag) if self.given(flag) else None

    def raw(self, flag: str) -> bytes:
        value = str(self._value(flag))
        if flag not in self._files or not value.startswith("@"):
            return value.encode("utf-8")
        try:
            return Path(value[1:]).read_bytes()
        except OSError as exc:
            raise TemplateError(f"cannot read {value[1:]}: {exc.strerror or exc}", where=flag) from None

    def whole_number(self, flag: str) -> int:
        value = self.text(flag)
        if not value.isdigit():
            raise TemplateError(f"expected a whole number, got {value!r}", where=flag)
        return int(value)

    def choice(self, flag: str, choices: Sequence[str]) -> str:
        value = self.text(flag)
        if value.upper() not in choices:
            raise TemplateError(f"expected one of {', '.join(choices)}, got {value!r}", where=flag)
        return value.upper()

    def json_object(self, flag: str, *, exact_numbers: bool = False) -> dict[str, Any]:
        try:
            document = json.loads(self.text(flag), parse_float=Decimal if exact_numbers else float)
        except json.JSONDecodeError as exc:
            raise TemplateError(f"not valid JSON ({exc})", where=flag) from None
        if not isinstance(document, dict):
            raise TemplateError(f"expected a JSON object, got {json.dumps(document)}", where=flag)
        return document

    def path(self, flag: str) -> str:
        value = self.text(flag)
        if "?" in value:
            raise TemplateError("give the query string with --query NAME=VALUE", where=flag)
        return value if value.startswith("/") else f"/{value}"

    def context(self) -> samples.SampleContext:
        # S3 records name no account: its samples have no --account
        account = self.text("--account") if hasattr(self._args, "account") else ids.DEFAULT_ACCOUNT
        return samples.SampleContext(region=self.text("--region"), account=account, now=self.now)

    def request(self) -> samples.HttpRequest:
        return samples.HttpRequest(
            method=self.text("--method").upper(),
            path=self.path("--path"),
            query=self.pairs("--query"),
            headers=self.pairs("--header"),
            body=self.optional_text("--body"),
        )

    def many(self, flag: str) -> list[str]:
        return list(self._value(flag) or [])

    def pairs(self, flag: str) -> list[tuple[str, str]]:
        pairs = []
        for item in self.many(flag):
            name, sep, value = item.partition("=")
            if not sep or not name:
                raise TemplateError(f"expected NAME=VALUE, got {item!r}", where=flag)
            pairs.append((name, value))
        return pairs

    def _value(self, flag: str) -> Any:
        return getattr(self._args, flag.removeprefix("--").replace("-", "_"))


def _option(flag: str, help: str, default: str | None = None, *, file: bool = False) -> _Option:
    shown = f" (default: {default})" if default is not None else ""
    return _Option(flag, help + shown + ("; @FILE reads it from a file" if file else ""), default, file=file)


def _repeatable(flag: str, help: str) -> _Option:
    return _Option(flag, f"{help} (repeatable)", repeatable=True)


def _sample(service: str, event: str, help: str, *options: _Option) -> Callable[[Builder], Builder]:
    def register(build: Builder) -> Builder:
        _SAMPLES.append(_Sample(service, event, help, options, build))
        return build

    return register


_REGION = _option("--region", "the region", ids.DEFAULT_REGION)
_ACCOUNT = _option("--account", "the account id", ids.DEFAULT_ACCOUNT)
_BUCKET = _option("--bucket", "the bucket", "example-bucket")
_KEY = _option("--key", "the object key as uploaded; the record carries it URL-encoded", "uploads/photo 1.jpg")
_ATTRIBUTE = _repeatable(
    "--message-attribute", "a message attribute NAME=VALUE, or NAME:TYPE=VALUE with TYPE String, Number or Binary"
)
_HTTP = (
    _option("--path", "the request path", "/hello"),
    _option("--method", "the HTTP method", "GET"),
    _repeatable("--query", "a query string parameter NAME=VALUE"),
    _repeatable("--header", "a request header NAME=VALUE"),
    _option("--body", "the request body", file=True),
)


# S3


@_sample(
    "s3",
    "put",
    "an object was uploaded (ObjectCreated:Put)",
    _BUCKET,
    _KEY,
    _option("--size", "the object's size in bytes", "1024"),
    _REGION,
)
def _s3_put(values: _Values) -> object:
    bucket, key, size = values.text("--bucket"), values.text("--key"), values.whole_number("--size")
    return samples.object_created(values.context(), bucket=bucket, key=key, size=size)


@_sample("s3", "delete", "an object was deleted (ObjectRemoved:Delete)", _BUCKET, _KEY, _REGION)
def _s3_delete(values: _Values) -> object:
    return samples.object_removed(values.context(), bucket=values.text("--bucket"), key=values.text("--key"))


# SQS and SNS


def _message_attributes(values: _Values) -> dict[str, MessageAttribute]:
    attributes = {}
    for name_and_type, value in values.pairs(_ATTRIBUTE.flag):
        name, _, data_type = name_and_type.partition(":")
        data_type = data_type or "String"
        base_type = data_type.split(".", 1)[0]
        if not name:
            raise TemplateError(f"an attribute needs a name: {name_and_type}={value}", where=_ATTRIBUTE.flag)
        if base_type not in ("String", "Number", "Binary"):
            problem = f"{name}: the type is String, Number or Binary, not {data_type!r}"
            raise TemplateError(problem, where=_ATTRIBUTE.flag)
        if base_type == "Number" and not _is_number(value):
            raise TemplateError(f"{name}: {value!r} is not a number", where=_ATTRIBUTE.flag)
        if base_type == "Binary":
            attributes[name] = MessageAttribute(data_type, binary_value=value.encode("utf-8"))
        else:
            attributes[name] = MessageAttribute(data_type, string_value=value)
    return attributes


def _is_number(text: str) -> bool:
    try:
        return Decimal(text).is_finite()
    except ArithmeticError:
        return False


@_sample(
    "sqs",
    "receive-message",
    "a batch of one message received from a queue",
    _option("--queue", "the queue's name", "example-queue"),
    _option("--body", "the message body", "Hello from SQS!", file=True),
    _ATTRIBUTE,
    _REGION,
    _ACCOUNT,
)
def _sqs_receive_message(values: _Values) -> object:
    return samples.queue_message(
        values.context(),
        queue=values.text("--queue"),
        body=values.text("--body"),
        message_attributes=_message_attributes(values),
    )


@_sample(
    "sns",
    "notification",
    "a message published to a topic",
    _option("--topic", "the topic's name", "example-topic"),
    _option("--subject", "the subject, empty for none", "Example subject"),
    _option("--body", "the message", "Hello from SNS!", file=True),
    _ATTRIBUTE,
    _REGION,
    _ACCOUNT,
)
def _sns_notification(values: _Values) -> object:
    return samples.topic_notification(
        values.context(),
        topic=values.text("--topic"),
        message=values.text("--body"),
        subject=values.text("--subject") or None,
        message_attributes=_message_attributes(values),
    )


# EventBridge


@_sample(
    "eventbridge",
    "event",
    "a custom event put on a bus and matched by a rule",
    _option("--source", "the event's source", "com.example.orders"),
    _option("--detail-type", "the event's detail-type", "Order Placed"),
    _option("--detail", "the event's detail, a JSON object", '{"orderId": "1234", "amount": 42}', file=True),
    _repeatable("--resource", "an ARN the event is about"),
    _REGION,
    _ACCOUNT,
)
def _eventbridge_event(values: _Values) -> object:
    return samples.custom_event(
        values.context(),
        source=values.text("--source"),
        detail_type=values.text("--detail-type"),
        detail=values.json_object("--detail"),
        resources=values.many("--resource"),
    )


@_sample(
    "eventbridge",
    "scheduled",
    "a schedule rule fired (Scheduled Event)",
    _option("--rule", "the rule's name", "example-schedule"),
    _REGION,
    _ACCOUNT,
)
def _eventbridge_scheduled(values: _Values) -> object:
    return samples.schedule_fired(values.context(), rule=values.text("--rule"))


# API Gateway and Function URLs


@_sample(
    "apigateway",
    "aws-proxy",
    "a request to a REST API proxy integration (payload 1.0)",
    *_HTTP,
    _option("--stage", "the stage", "prod"),
    _REGION,
    _ACCOUNT,
)
def _apigateway_aws_proxy(values: _Values) -> object:
    return samples.rest_api_request(values.context(), request=values.request(), stage=values.text("--stage"))


@_sample(
    "apigateway",
    "http-api",
    "a request to an HTTP API Lambda integration (payload 2.0)",
    *_HTTP,
    _option("--stage", "the stage", "$default"),
    _REGION,
    _ACCOUNT,
)
def _apigateway_http_api(values: _Values) -> object:
    return samples.http_api_request(values.context(), request=values.request(), stage=values.text("--stage"))


@_sample(
    "lambda-url",
    "request",
    "a request to a Function URL",
    *_HTTP,
    _option("--auth-type", "the URL's AuthType, NONE or AWS_IAM", "NONE"),
    _REGION,
    _ACCOUNT,
)
def _lambda_url_request(values: _Values) -> object:
    iam = values.choice("--auth-type", ("NONE", "AWS_IAM")) == "AWS_IAM"
    return samples.function_url_request(values.context(), request=values.request(), iam=iam)


# DynamoDB Streams and Kinesis

# the example item's message before and after the change, by event name (None: no such image)
_EXAMPLE_MESSAGES = {
    "INSERT": (None, "New item!"),
    "MODIFY": ("New item!", "This item has changed"),
    "REMOVE": ("This item has changed", None),
}


@_sample(
    "dynamodb",
    "update",
    "a change to an item: INSERT, MODIFY or REMOVE",
    _option("--table", "the table's name", "example-table"),
    _option("--event-name", "INSERT, MODIFY or REMOVE", "INSERT"),
    _option("--keys", "the item's key, plain JSON", '{"Id": 101}', file=True),
    _option("--new-image", "the item after the change, plain JSON (default: the key and a message)", file=True),
    _option("--old-image", "the item before the change, plain JSON (default: the key and a message)", file=True),
    _option("--stream-view-type", "KEYS_ONLY, NEW_IMAGE, OLD_IMAGE or NEW_AND_OLD_IMAGES", "NEW_AND_OLD_IMAGES"),
    _REGION,
    _ACCOUNT,
)
def _dynamodb_update(values: _Values) -> object:
    event_name = StreamEventName(values.choice("--event-name", list(StreamEventName)))
    keys = values.json_object("--keys", exact_numbers=True)
    # the example images hold the key and a message, as far as the event has them
    old_message, new_message = _EXAMPLE_MESSAGES[event_name.value]
    old_image = None if old_message is None else {**keys, "Message": old_message}
    new_image = None if new_message is None else {**keys, "Message": new_message}
    if values.given("--old-image"):
        old_image = values.json_object("--old-image", exact_numbers=True)
    if values.given("--new-image"):
        new_image = values.json_object("--new-image", exact_numbers=True)
    return samples.item_changed(
        values.context(),
        table=values.text("--table"),
        event_name=event_name,
        keys=keys,
        new_image=new_image,
        old_image=old_image,
        stream_view_type=StreamViewType(values.choice("--stream-view-type", list(StreamViewType))),
    )


@_sample(
    "kinesis",
    "get-records",
    "a batch of one record read from a stream",
    _option("--stream", "the stream's name", "example-stream"),
    _option("--partition-key", "the record's partition key", "partition-key-1"),
    _option("--data", "the record's data, before base64", "Hello, this is a test.", file=True),
    _REGION,
    _ACCOUNT,
)
def _kinesis_get_records(values: _Values) -> object:
    return samples.stream_record(
        values.context(),
        stream=values.text("--stream"),
        partition_key=values.text("--partition-key"),
        data=values.raw("--data"),
    )
