"""``triggerfish events generate SERVICE EVENT``: one sample event as pretty JSON on stdout, one-line errors.

The first tests drive the command's parser in-process; the last ones run ``python -m triggerfish`` as a user
would.
"""

from __future__ import annotations

import argparse
import base64
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from triggerfish.cli import events

SAMPLES = [
    ("s3", "put"),
    ("s3", "delete"),
    ("sqs", "receive-message"),
    ("sns", "notification"),
    ("eventbridge", "event"),
    ("eventbridge", "scheduled"),
    ("apigateway", "aws-proxy"),
    ("apigateway", "http-api"),
    ("lambda-url", "request"),
    ("dynamodb", "update"),
    ("kinesis", "get-records"),
]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="triggerfish events")
    events.configure(parser)
    return parser


def _generate(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    args = _parser().parse_args(["generate", *argv])
    code: int = args.run(args)
    out, err = capsys.readouterr()
    return code, out, err


def _event(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    code, out, err = _generate(capsys, *argv)
    assert (code, err) == (0, "")
    return json.loads(out)


@pytest.mark.parametrize(("service", "event"), SAMPLES)
def test_every_sample_prints_pretty_json(capsys: pytest.CaptureFixture[str], service: str, event: str) -> None:
    code, out, err = _generate(capsys, service, event)
    assert (code, err) == (0, "")
    document = json.loads(out)
    assert out == json.dumps(document, indent=2) + "\n"


def test_s3_samples(capsys: pytest.CaptureFixture[str]) -> None:
    [put] = _event(capsys, "s3", "put", "--bucket", "photos", "--key", "cats/tabby cat@home.jpg", "--size", "7")[
        "Records"
    ]
    assert put["eventName"] == "ObjectCreated:Put"
    assert put["s3"]["bucket"]["name"] == "photos"
    assert put["s3"]["bucket"]["arn"] == "arn:aws:s3:::photos"
    assert put["s3"]["object"]["key"] == "cats/tabby+cat%40home.jpg"
    assert put["s3"]["object"]["size"] == 7
    assert put["awsRegion"] == "us-east-1"
    [delete] = _event(capsys, "s3", "delete", "--region", "eu-west-1")["Records"]
    assert delete["eventName"] == "ObjectRemoved:Delete"
    assert delete["awsRegion"] == "eu-west-1"
    assert "size" not in delete["s3"]["object"]


def test_sqs_and_sns_samples(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    body = tmp_path / "body.json"
    body.write_text('{"order": 7}')
    [message] = _event(
        capsys,
        "sqs",
        "receive-message",
        "--queue",
        "orders",
        "--body",
        f"@{body}",
        "--account",
        "123456789012",
        "--message-attribute",
        "Author=John Grisham",
        "--message-attribute",
        "WeeksOn:Number=6",
        "--message-attribute",
        "Title=The Whistler",
    )["Records"]
    assert message["body"] == '{"order": 7}'
    assert message["eventSourceARN"] == "arn:aws:sqs:us-east-1:123456789012:orders"
    assert message["messageAttributes"]["WeeksOn"]["dataType"] == "Number"
    assert message["md5OfMessageAttributes"] == "d25a6aea97eb8f585bfa92d314504a92"
    [note] = _event(capsys, "sns", "notification", "--topic", "alerts", "--subject", "", "--body", "hi")["Records"]
    assert note["Sns"]["TopicArn"] == "arn:aws:sns:us-east-1:000000000000:alerts"
    assert note["Sns"]["Subject"] is None
    assert note["Sns"]["Message"] == "hi"


def test_eventbridge_samples(capsys: pytest.CaptureFixture[str]) -> None:
    event = _event(
        capsys, "eventbridge", "event", "--source", "app.orders", "--detail-type", "Shipped", "--detail", '{"id": 3}'
    )
    assert (event["source"], event["detail-type"], event["detail"]) == ("app.orders", "Shipped", {"id": 3})
    assert event["resources"] == []
    scheduled = _event(capsys, "eventbridge", "scheduled", "--rule", "nightly", "--account", "123456789012")
    assert scheduled["detail-type"] == "Scheduled Event"
    assert scheduled["resources"] == ["arn:aws:events:us-east-1:123456789012:rule/nightly"]
    assert scheduled["time"].endswith(":00Z")


def test_http_samples(capsys: pytest.CaptureFixture[str]) -> None:
    options = ["--path", "/orders/7", "--method", "post", "--query", "a=1", "--query", "a=2", "--header", "X-Id=9"]
    rest = _event(capsys, "apigateway", "aws-proxy", *options, "--body", '{"x": 1}', "--stage", "dev")
    assert rest["httpMethod"] == "POST"
    assert rest["path"] == "/orders/7"
    assert rest["requestContext"]["path"] == "/dev/orders/7"
    assert rest["multiValueQueryStringParameters"] == {"a": ["1", "2"]}
    assert rest["headers"]["X-Id"] == "9"
    assert rest["body"] == '{"x": 1}'
    http = _event(capsys, "apigateway", "http-api", *options)
    assert http["rawPath"] == "/orders/7"
    assert http["queryStringParameters"] == {"a": "1,2"}
    assert http["headers"]["x-id"] == "9"
    assert "body" not in http
    url = _event(capsys, "lambda-url", "request", *options, "--auth-type", "AWS_IAM")
    assert url["requestContext"]["authorizer"]["iam"]["accountId"] == "000000000000"
    assert url["requestContext"]["domainName"].endswith(".lambda-url.us-east-1.on.aws")


def test_dynamodb_and_kinesis_samples(capsys: pytest.CaptureFixture[str]) -> None:
    [change] = _event(
        capsys,
        "dynamodb",
        "update",
        "--table",
        "Orders",
        "--event-name",
        "modify",
        "--keys",
        '{"pk": "o#1", "n": 1.50}',
    )["Records"]
    assert change["eventName"] == "MODIFY"
    assert change["dynamodb"]["Keys"] == {"pk": {"S": "o#1"}, "n": {"N": "1.5"}}
    assert change["dynamodb"]["NewImage"]["Message"] == {"S": "This item has changed"}
    assert change["dynamodb"]["OldImage"]["pk"] == {"S": "o#1"}
    assert ":table/Orders/stream/" in change["eventSourceARN"]
    [removed] = _event(
        capsys, "dynamodb", "update", "--event-name", "REMOVE", "--old-image", '{"Id": 101, "tags": ["a"]}'
    )["Records"]
    assert removed["dynamodb"]["OldImage"] == {"Id": {"N": "101"}, "tags": {"L": [{"S": "a"}]}}
    assert "NewImage" not in removed["dynamodb"]
    [record] = _event(capsys, "kinesis", "get-records", "--stream", "clicks", "--partition-key", "u1", "--data", "hi")[
        "Records"
    ]
    assert base64.b64decode(record["kinesis"]["data"]) == b"hi"
    assert record["kinesis"]["partitionKey"] == "u1"
    assert record["eventSourceARN"] == "arn:aws:kinesis:us-east-1:000000000000:stream/clicks"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["eventbridge", "event", "--detail", "{nope"], "triggerfish: --detail: not valid JSON"),
        (["eventbridge", "event", "--detail", "[1, 2]"], "triggerfish: --detail: expected a JSON object, got [1, 2]"),
        (["s3", "put", "--size", "big"], "triggerfish: --size: expected a whole number, got 'big'"),
        (["dynamodb", "update", "--event-name", "UPSERT"], "triggerfish: --event-name: expected one of INSERT"),
        (["dynamodb", "update", "--keys", "{}", "--new-image", '{"a": 1e999}'], "triggerfish: DynamoDB numbers"),
        (["apigateway", "http-api", "--header", "novalue"], "triggerfish: --header: expected NAME=VALUE"),
        (["lambda-url", "request", "--path", "/a?b=c"], "triggerfish: --path: give the query string with --query"),
        (["lambda-url", "request", "--auth-type", "COGNITO"], "triggerfish: --auth-type: expected one of NONE"),
        (["sqs", "receive-message", "--message-attribute", "n:Number=x"], "triggerfish: --message-attribute: n:"),
        (["sns", "notification", "--message-attribute", "n:Blob=x"], "triggerfish: --message-attribute: n:"),
        (["sns", "notification", "--message-attribute", ":Number=1"], "triggerfish: --message-attribute: an attribute"),
        (["kinesis", "get-records", "--data", "@/no/such/file"], "triggerfish: --data: cannot read /no/such/file"),
    ],
)
def test_bad_values_are_one_line_errors(capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    code, out, err = _generate(capsys, *argv)
    assert code == 1
    assert out == ""
    assert err.startswith(message)
    assert err.count("\n") == 1


def test_help_lists_services_and_events(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        _parser().parse_args(["generate", "--help"])
    assert exited.value.code == 0
    listing = capsys.readouterr().out
    for service in {service for service, _ in SAMPLES}:
        assert f"    {service}" in listing
    with pytest.raises(SystemExit):
        _parser().parse_args(["generate", "apigateway", "--help"])
    listing = capsys.readouterr().out
    assert "aws-proxy" in listing
    assert "http-api" in listing


# as a user runs it


def _run(environment: dict[str, str], *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "triggerfish", "events", "generate", *argv],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )


@pytest.mark.slow
@pytest.mark.parametrize(("service", "event"), SAMPLES)
def test_the_command_prints_every_sample(command_environment: dict[str, str], service: str, event: str) -> None:
    done = _run(command_environment, service, event)
    assert (done.returncode, done.stderr) == (0, "")
    document = json.loads(done.stdout)
    assert done.stdout == json.dumps(document, indent=2) + "\n"
    assert "Records" in document or "version" in document or "resource" in document


@pytest.mark.slow
def test_the_command_applies_options(command_environment: dict[str, str]) -> None:
    done = _run(command_environment, "s3", "put", "--bucket", "photos", "--key", "a b.jpg", "--region", "eu-west-1")
    assert done.returncode == 0, done.stderr
    [record] = json.loads(done.stdout)["Records"]
    assert (record["s3"]["bucket"]["name"], record["s3"]["object"]["key"], record["awsRegion"]) == (
        "photos",
        "a+b.jpg",
        "eu-west-1",
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["eventbridge", "event", "--detail", "not json"], "triggerfish: --detail: not valid JSON"),
        (["dynamodb", "update", "--keys", "@/no/such/file"], "triggerfish: --keys: cannot read /no/such/file"),
    ],
)
def test_the_command_reports_bad_values_in_one_line(
    command_environment: dict[str, str], argv: list[str], message: str
) -> None:
    done = _run(command_environment, *argv)
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.startswith(message)
    assert done.stderr.count("\n") == 1
    assert "Traceback" not in done.stderr


@pytest.mark.slow
def test_the_command_lists_what_it_generates(command_environment: dict[str, str]) -> None:
    done = _run(command_environment, "--help")
    assert done.returncode == 0
    for service in ("s3", "sqs", "sns", "eventbridge", "apigateway", "lambda-url", "dynamodb", "kinesis"):
        assert service in done.stdout
    done = _run(command_environment, "s3", "--help")
    assert done.returncode == 0
    assert "put" in done.stdout
    assert "delete" in done.stdout
