"""``triggerfish ses messages`` and ``triggerfish ses show`` as processes, reading a running endpoint's
``/_triggerfish/ses`` API (an endpoint on 127.0.0.1 in this process, fed through boto3 sesv2)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator, Mapping
from email import message_from_string, policy
from pathlib import Path
from typing import Any

import pytest
from ses_endpoint import SesEndpoint

import triggerfish
from triggerfish.aws.internal import InternalApi, ses_routes
from triggerfish.aws.providers.sesv2 import SesV2Provider
from triggerfish.cli.ses import table

pytestmark = pytest.mark.slow  # each test starts the command in a new process


@pytest.fixture(scope="module")
def endpoint() -> Iterator[SesEndpoint]:
    served = SesEndpoint(lambda ses: {"sesv2": SesV2Provider(ses)}, internal=lambda ses: InternalApi(ses_routes(ses)))
    yield served
    served.close()


@pytest.fixture(scope="module")
def sent(endpoint: SesEndpoint) -> list[str]:
    """Two messages, sent in this order."""
    v2 = endpoint.client("sesv2")
    v2.create_email_identity(EmailIdentity="example.com")
    ids = []
    for subject, html in (("First note", None), ("Second note", "<p>hello <b>html</b></p>")):
        body: dict[str, Any] = {"Text": {"Data": f"Body of {subject.split()[0]}"}}
        if html:
            body["Html"] = {"Data": html}
        ids.append(
            v2.send_email(
                FromEmailAddress="alice@example.com",
                Destination={"ToAddresses": ["bob@example.com"], "CcAddresses": ["carol@example.com"]},
                Content={"Simple": {"Subject": {"Data": subject}, "Body": body}},
            )["MessageId"]
        )
    return ids


def _run(
    *args: str, endpoint: str | None = None, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    source = str(Path(triggerfish.__file__).resolve().parents[1])
    inherited = os.environ.get("PYTHONPATH")
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [source, inherited]))}
    environment.pop("TRIGGERFISH_ENDPOINT", None)
    environment.update(env or {})
    command = [sys.executable, "-m", "triggerfish", "ses", *args]
    if endpoint is not None:
        command += ["--endpoint", endpoint]
    return subprocess.run(command, capture_output=True, text=True, env=environment, timeout=60, check=False)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_messages_table(endpoint: SesEndpoint, sent: list[str]) -> None:
    done = _run("messages", endpoint=endpoint.url)
    assert done.returncode == 0, done.stderr
    header, *rows = done.stdout.splitlines()
    assert header.split() == ["TIME", "FROM", "TO", "SUBJECT", "ID"]
    assert len(rows) == 2
    assert rows[0].endswith(sent[0]) and rows[1].endswith(sent[1])
    assert "alice@example.com" in rows[0]
    assert "bob@example.com, carol@example.com" in rows[0]
    assert "First note" in rows[0]
    assert "Second note" in rows[1]
    # columns line up: every row's id starts where the header's ID does
    column = header.index("ID")
    assert all(row[column:] in sent for row in rows)


def test_table_keeps_one_line_per_message() -> None:
    rows = table(
        [
            {"id": "m1", "timestamp": "t", "source": "a@x", "destination": {"to": ["b@x"]}, "subject": "two\nlines"},
            {"id": "m2", "timestamp": "t", "source": "a@x", "destination": {}, "subject": None},
        ]
    ).splitlines()
    assert len(rows) == 3
    assert "two lines" in rows[1]
    assert table([]) == "no messages sent\n"


def test_messages_json(endpoint: SesEndpoint, sent: list[str]) -> None:
    done = _run("messages", "--json", endpoint=endpoint.url)
    assert done.returncode == 0, done.stderr
    messages = json.loads(done.stdout)
    assert [m["id"] for m in messages] == sent
    assert messages[0]["destination"] == {"to": ["bob@example.com"], "cc": ["carol@example.com"], "bcc": []}


def test_messages_region_filter(endpoint: SesEndpoint, sent: list[str]) -> None:
    done = _run("messages", "--json", "--region", "ap-south-1", endpoint=endpoint.url)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []
    done = _run("messages", "--region", "ap-south-1", endpoint=endpoint.url)
    assert done.stdout == "no messages sent\n"


def test_endpoint_from_the_environment(endpoint: SesEndpoint, sent: list[str]) -> None:
    done = _run("messages", "--json", env={"TRIGGERFISH_ENDPOINT": endpoint.url})
    assert done.returncode == 0, done.stderr
    assert [m["id"] for m in json.loads(done.stdout)] == sent


def test_show(endpoint: SesEndpoint, sent: list[str]) -> None:
    done = _run("show", sent[1], endpoint=endpoint.url)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert f"Id:      {sent[1]}" in lines
    assert "From:    alice@example.com" in lines
    assert "To:      bob@example.com" in lines
    assert "Cc:      carol@example.com" in lines
    assert "Body of Second" in lines
    assert "<p>hello <b>html</b></p>" in lines


def test_show_raw(endpoint: SesEndpoint, sent: list[str]) -> None:
    done = _run("show", sent[0], "--raw", endpoint=endpoint.url)
    assert done.returncode == 0, done.stderr
    message = message_from_string(done.stdout, policy=policy.default)
    assert message["Subject"] == "First note"
    assert message["From"] == "alice@example.com"
    assert sent[0] in message["Message-ID"]


def test_show_unknown_id_is_one_line(endpoint: SesEndpoint, sent: list[str]) -> None:
    done = _run("show", "no-such-id", endpoint=endpoint.url)
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == "triggerfish: No sent message has the id no-such-id.\n"


def test_nothing_listening_is_one_line() -> None:
    url = f"http://127.0.0.1:{_free_port()}"
    for args in (("messages",), ("show", "x")):
        done = _run(*args, endpoint=url)
        assert done.returncode == 1
        assert done.stdout == ""
        assert len(done.stderr.splitlines()) == 1
        assert done.stderr.startswith(f"triggerfish: nothing answers at {url} (")
