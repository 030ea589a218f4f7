"""A ``kill -9`` of the server in the middle of a batch loses no message (spec §2, DESIGN: durability).

The app is a queue consumed in batches by a function that records every body it is handed. The server
is killed while a batch is in the handler; after a restart on the same data directory the batch comes
back once its visibility timeout expires, and every message sent is handled at least once.
"""

from __future__ import annotations

import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from up_process import UpProcess

pytestmark = pytest.mark.slow  # two servers in subprocesses

MESSAGES = 60

SERVERLESS_YML = """\
service: crashy
provider:
  name: aws
  runtime: python3.11
functions:
  consume:
    handler: handler.consume
    timeout: 2
    environment:
      SEEN_FILE: {seen}
    events:
      - sqs:
          arn: !GetAtt Work.Arn
          batchSize: 10
resources:
  Resources:
    Work:
      Type: AWS::SQS::Queue
      Properties:
        QueueName: crashy-work
        VisibilityTimeout: 2
"""

HANDLER = """\
import os
import time


def consume(event, context):
    with open(os.environ["SEEN_FILE"], "a") as seen:
        for record in event["Records"]:
            seen.write(record["body"] + "\\n")
    time.sleep(0.3)  # keep the batch in flight long enough to be killed in the middle of it
"""


@pytest.fixture
def app(tmp_path: Path) -> Path:
    folder = tmp_path / "crashy"
    folder.mkdir()
    seen = tmp_path / "seen.txt"
    seen.touch()
    (folder / "serverless.yml").write_text(SERVERLESS_YML.format(seen=seen))
    (folder / "handler.py").write_text(textwrap.dedent(HANDLER))
    return folder


@pytest.fixture
def processes() -> Iterator[list[UpProcess]]:
    started: list[UpProcess] = []
    yield started
    for process in started:
        process.close()


def _seen(app: Path) -> list[str]:
    return (app.parent / "seen.txt").read_text().split()


def _wait(condition: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_a_batch_in_flight_when_the_server_is_killed_is_delivered_after_restart(
    app: Path, processes: list[UpProcess], triggerfish_command: list[str], command_environment: dict[str, str]
) -> None:
    first = UpProcess(triggerfish_command, command_environment, app, "--no-watch")
    processes.append(first)
    first.wait_ready()
    sqs = first.client("sqs")
    url = sqs.get_queue_url(QueueName="crashy-work")["QueueUrl"]
    bodies = [f"message-{number:03d}" for number in range(MESSAGES)]
    for start in range(0, MESSAGES, 10):
        entries = [{"Id": str(index), "MessageBody": body} for index, body in enumerate(bodies[start : start + 10])]
        response = sqs.send_message_batch(QueueUrl=url, Entries=entries)
        assert not response.get("Failed"), response

    # a batch is in the handler once its bodies are on record: kill the server right then
    _wait(lambda: len(_seen(app)) > 0, 30, "the first batch to reach the handler")
    first.process.kill()
    first.process.wait(30)
    assert len(set(_seen(app))) < MESSAGES, "every message was handled before the kill; nothing was tested"

    second = UpProcess(triggerfish_command, command_environment, app, "--no-watch")
    processes.append(second)
    second.wait_ready()
    _wait(lambda: set(_seen(app)) >= set(bodies), 60, "every message to be handled after the restart")

    sqs = second.client("sqs")
    attributes = sqs.get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    )["Attributes"]
    _wait(
        lambda: all(
            value == "0"
            for value in sqs.get_queue_attributes(
                QueueUrl=url,
                AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
            )["Attributes"].values()
        ),
        30,
        f"the queue to empty (last seen {attributes})",
    )
    assert set(_seen(app)) == set(bodies)
