"""The example app's trigger paths that ``test_up_command`` does not drive, each from outside as a user would:
the REST API and the function URL over HTTP, the Kinesis stream and the photo bucket through boto3, email over
SMTP, the schedules on the real clock, a log subscription, and the function logs through ``aws logs tail
--follow`` and ``triggerfish logs``. Each check reads the handler's effect (a counter in the totals table, a
stored email, a log line), not only that it ran."""

from __future__ import annotations

import json
import queue
import re
import shutil
import smtplib
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from up_process import UpProcess, free_port

pytestmark = pytest.mark.slow  # the app runs in a subprocess; the schedules fire on the real clock

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "orders"


@pytest.fixture(scope="module")
def up(
    tmp_path_factory: pytest.TempPathFactory, triggerfish_command: list[str], command_environment: dict[str, str]
) -> Iterator[UpProcess]:
    app = tmp_path_factory.mktemp("example") / "orders"
    shutil.copytree(EXAMPLE, app, ignore=shutil.ignore_patterns(".triggerfish", "__pycache__"))
    http_port = free_port()
    process = UpProcess(triggerfish_command, command_environment, app, "--no-watch", "--http-port", str(http_port))
    try:
        process.wait_ready()
        process.http_port = http_port  # type: ignore[attr-defined]
        yield process
    finally:
        process.close()


def counter(up: UpProcess, metric: str) -> int:
    item = up.client("dynamodb").get_item(TableName="orders-dev-totals", Key={"metric": {"S": metric}}).get("Item")
    return int(item["count"]["N"]) if item else 0


def wait_counter(up: UpProcess, metric: str, at_least: int, timeout: float = 30.0) -> int:
    deadline = time.monotonic() + timeout
    while (value := counter(up, metric)) < at_least:
        assert time.monotonic() < deadline, f"{metric} stayed at {value}:\n{up.text}"
        time.sleep(0.1)
    return value


def request(url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    prepared = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(prepared, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def sent_emails(up: UpProcess) -> list[dict[str, Any]]:
    with urllib.request.urlopen(f"{up.endpoint}/_triggerfish/ses/messages", timeout=10) as response:
        messages: list[dict[str, Any]] = json.loads(response.read())["messages"]
        return messages


def wait_email(up: UpProcess, subject: str, timeout: float = 30.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        found = [message for message in sent_emails(up) if message["subject"] == subject]
        if found:
            return found[0]
        assert time.monotonic() < deadline, f"no email {subject!r}: {sent_emails(up)}\n{up.text}"
        time.sleep(0.1)


def test_the_summary_lists_every_trigger(up: UpProcess) -> None:
    summary = up.text
    assert re.search(r"GET /dev/orders/\{orderId\}\s+http://127\.0\.0\.1:\d+/dev/orders/\{orderId\}", summary)
    assert re.search(r"function URL\s+http://\S+\s+→ orders-dev-totals", summary)
    assert "kinesis orders-dev-activity → orders-dev-activity" in summary
    assert "schedule cron(* * * * ? *) → orders-dev-report" in summary
    assert "logs /aws/lambda/orders-dev-fulfil" in summary
    assert f"SMTP 127.0.0.1:{up.smtp_port}" in re.sub(r"\s+", " ", summary)


def test_rest_api_reads_an_order_placed_over_the_http_api(up: UpProcess) -> None:
    base = f"http://127.0.0.1:{up.http_port}"  # type: ignore[attr-defined]
    status, placed = request(
        f"{base}/orders", data=b'{"orderId": "x-1", "items": ["lamp"]}', headers={"Content-Type": "application/json"}
    )
    assert (status, placed["orderId"]) == (202, "x-1")
    deadline = time.monotonic() + 30
    while (found := request(f"{base}/dev/orders/x-1"))[1].get("status") != "shipped":
        assert time.monotonic() < deadline, found
        time.sleep(0.1)
    assert found == (200, {"orderId": "x-1", "status": "shipped", "items": ["lamp"]})
    assert request(f"{base}/dev/orders/nope") == (404, {"message": "no order nope"})


def test_function_url_answers_with_the_totals(up: UpProcess) -> None:
    url = re.search(r"function URL\s+(http://\S+)\s+→ orders-dev-totals", up.text)
    assert url, up.text
    host = url.group(1).split("//")[1].rstrip("/")
    status, totals = request(f"http://127.0.0.1:{up.port}/", headers={"Host": host})
    assert status == 200 and isinstance(totals, dict)
    assert all(isinstance(value, int) for value in totals.values())


def test_kinesis_records_reach_the_activity_consumer(up: UpProcess) -> None:
    kinesis = up.client("kinesis")
    before = counter(up, "activity#viewed")
    for index in range(3):
        entry = {"orderId": f"k-{index}", "action": "viewed"}
        kinesis.put_record(StreamName="orders-dev-activity", Data=json.dumps(entry).encode(), PartitionKey=f"k-{index}")
    assert wait_counter(up, "activity#viewed", before + 3) == before + 3


def test_a_photo_upload_is_labelled_and_reported_by_email(up: UpProcess) -> None:
    # inspect calls STS GetCallerIdentity, Rekognition DetectLabels and SES SendEmail (the long tail and SES)
    up.client("s3").put_object(Bucket="orders-dev-photos", Key="damaged/crate.jpg", Body=b"\xff\xd8\xff\xe0 a photo")
    message = wait_email(up, "Photo damaged/crate.jpg inspected")
    assert message["source"] == "orders@orders.example.com"
    assert message["destination"]["to"] == ["team@orders.example.com"]
    up.wait_seen(r"inspect\s+│ inspect: damaged/crate\.jpg: \S")
    with urllib.request.urlopen(f"{up.endpoint}/_triggerfish/ses/messages/{message['id']}", timeout=10) as response:
        assert "(account 000000000000)" in json.loads(response.read())["text"]


def test_an_email_to_the_orders_address_places_an_order(up: UpProcess) -> None:
    mail = EmailMessage()
    mail["From"] = "Ann <ann@customer.example.net>"
    mail["To"] = "orders@orders.example.com"
    mail["Subject"] = "Order: kettle, tray"
    mail.set_content("Please send them soon.")
    with smtplib.SMTP("127.0.0.1", up.smtp_port, timeout=30) as smtp:
        smtp.send_message(mail)
    placed = up.wait_seen(r"inbox\s+│ inbox: order (mail-\w+) from Ann <ann@customer\.example\.net>: kettle, tray")
    order_id = placed.group(1)
    confirmation = wait_email(up, f"Order {order_id} received")
    assert confirmation["destination"]["to"] == ["team@orders.example.com"]
    # the rule's S3 action stored the raw message under mail/ (its key is the SES message id)
    s3 = up.client("s3")
    keys = [entry["Key"] for entry in s3.list_objects_v2(Bucket="orders-dev-uploads", Prefix="mail/")["Contents"]]
    raw = s3.get_object(Bucket="orders-dev-uploads", Key=keys[-1])["Body"].read()
    assert b"Subject: Order: kettle, tray" in raw

    # a message without a From header: the handler falls back on the envelope sender (mail.source)
    with smtplib.SMTP("127.0.0.1", up.smtp_port, timeout=30) as smtp:
        smtp.sendmail("bob@customer.example.net", ["orders@orders.example.com"], "Subject: Order: rope\r\n\r\nhi")
    up.wait_seen(r"inbox\s+│ inbox: order mail-\w+ from bob@customer\.example\.net: rope")

    # mail for a domain that is not a verified identity is refused at RCPT TO
    with smtplib.SMTP("127.0.0.1", up.smtp_port, timeout=30) as smtp, pytest.raises(smtplib.SMTPRecipientsRefused):
        smtp.sendmail("ann@customer.example.net", ["someone@unverified.example.org"], "Subject: hi\r\n\r\nhi")


def test_fulfil_errors_reach_the_alert_function_through_a_subscription(up: UpProcess) -> None:
    before = counter(up, "alerts#fulfil")
    # anvil is out of stock: fulfil raises, its ERROR lines go to alert in the awslogs shape
    up.client().invoke(FunctionName="orders-dev-place", Payload=b'{"orderId": "x-err", "items": ["anvil"]}')
    up.wait_seen(r"alert\s+│ alert from /aws/lambda/orders-dev-fulfil: \[ERROR\] RuntimeError: order x-err")
    assert wait_counter(up, "alerts#fulfil", before + 1) > before


def test_aws_logs_tail_follow_shows_output_within_a_second(
    up: UpProcess, command_environment: dict[str, str], aws_cli_v2: str
) -> None:
    base = f"http://127.0.0.1:{up.http_port}"  # type: ignore[attr-defined]
    request(f"{base}/dev/orders/first")  # the log group exists once lookup has run
    environment = {
        **command_environment,
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
        "PYTHONUNBUFFERED": "1",
        "AWS_PAGER": "",
    }
    command = [aws_cli_v2, "--endpoint-url", up.endpoint, "logs", "tail", "/aws/lambda/orders-dev-lookup"]
    tail = subprocess.Popen(
        [*command, "--follow", "--format", "short"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=environment,
    )
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        for line in tail.stdout or ():
            lines.put(line)

    threading.Thread(target=read, daemon=True).start()

    def seen(marker: str, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                if marker in lines.get(timeout=remaining):
                    return True
            except queue.Empty:
                break
        return False

    try:
        assert seen("lookup first: unknown", 30), "tail never showed the earlier invocation"
        # the CLI re-asks after its first answer; from then on it follows the group live. Each lookup is
        # shown within a second of its answer (a correctness bound: the CLI's own polling would take 5 s)
        time.sleep(6)
        for attempt in range(3):
            request(f"{base}/dev/orders/live-{attempt}")
            assert seen(f"lookup live-{attempt}: unknown", 1.0), f"live-{attempt} was not shown within a second"
    finally:
        tail.terminate()
        tail.wait(10)
        if tail.stdout is not None:
            tail.stdout.close()

    # without --follow the same command prints what there is and ends
    done = subprocess.run(command, capture_output=True, text=True, env=environment, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "lookup live-2: unknown" in done.stdout


def test_triggerfish_logs_prints_a_function_log(
    up: UpProcess, triggerfish_command: list[str], command_environment: dict[str, str]
) -> None:
    base = f"http://127.0.0.1:{up.http_port}"  # type: ignore[attr-defined]
    request(f"{base}/dev/orders/cli-logs")
    deadline = time.monotonic() + 30
    while True:
        done = subprocess.run(
            [*triggerfish_command, "logs", "orders-dev-lookup", "--endpoint", up.endpoint],
            capture_output=True,
            text=True,
            env=command_environment,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        if "lookup cli-logs: unknown" in done.stdout:
            break
        assert time.monotonic() < deadline, done.stdout
        time.sleep(0.2)
    assert "REPORT RequestId: " in done.stdout


def test_both_schedules_fire_on_the_real_clock(up: UpProcess) -> None:
    # the cron rule (report) and the Scheduler schedule (sweep) run every minute: by now, or within the
    # next minute and a bit, each has run at least once
    assert wait_counter(up, "report#runs", 1, timeout=75) >= 1
    assert wait_counter(up, "sweep#runs", 1, timeout=75) >= 1
    up.wait_seen(r"sweep\s+│ sweep: \d+ order\(s\) waiting to ship")
