"""``triggerfish ses``: the email SES accepted in the running server, read from its ``/_triggerfish/ses`` API.

``triggerfish ses messages`` lists them (time, from, to, subject, id; ``--json`` for the list as the
server gives it) and ``triggerfish ses show ID`` prints one (headers and bodies; ``--raw`` for the
whole MIME message as it would have been sent).
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from typing import Any

from triggerfish.cli.output import fail
from triggerfish.cli.remote import add_endpoint_option

_MESSAGES = "/_triggerfish/ses/messages"
_TIMEOUT = 30


def configure(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="ses_command", metavar="ACTION", required=True)
    messages = actions.add_parser(
        "messages",
        help="list the email sent through SES",
        description="List the messages the running server's SES accepted, oldest first.",
    )
    add_endpoint_option(messages)
    messages.add_argument("--region", default=None, help="only messages sent in this region")
    messages.add_argument("--json", action="store_true", help="print the list as JSON")
    messages.set_defaults(run=run_messages)
    show = actions.add_parser(
        "show",
        help="print one sent message",
        description="Print one message SES accepted: its headers and bodies, or with --raw the MIME message.",
    )
    show.add_argument("id", metavar="ID", help="the message id (as SendEmail returned it)")
    add_endpoint_option(show)
    show.add_argument("--raw", action="store_true", help="print the whole MIME message as it would have been sent")
    show.set_defaults(run=run_show)


def run_messages(args: argparse.Namespace) -> int:
    query = f"?{urllib.parse.urlencode({'region': args.region})}" if args.region else ""
    try:
        body = _get(args.endpoint, _MESSAGES + query)
        messages: list[Mapping[str, Any]] = json.loads(body)["messages"]
    except _Failure as exc:
        return fail(str(exc))
    except (ValueError, KeyError, TypeError):
        return fail(f"the server at {args.endpoint} did not answer with a message list")
    if args.json:
        sys.stdout.write(json.dumps(messages, indent=2) + "\n")
        return 0
    sys.stdout.write(table(messages))
    return 0


def run_show(args: argparse.Namespace) -> int:
    path = f"{_MESSAGES}/{urllib.parse.quote(args.id, safe='')}"
    try:
        if args.raw:
            raw = _get(args.endpoint, path + "/raw")
            sys.stdout.buffer.write(raw if raw.endswith(b"\n") else raw + b"\n")
            sys.stdout.flush()
            return 0
        message: Mapping[str, Any] = json.loads(_get(args.endpoint, path))
        sys.stdout.write(describe(message))
    except _Failure as exc:
        return fail(str(exc))
    except (ValueError, KeyError, TypeError):
        return fail(f"the server at {args.endpoint} did not answer with a message")
    return 0


def table(messages: Sequence[Mapping[str, Any]]) -> str:
    """The list as aligned columns: time, from, to, subject, id."""
    if not messages:
        return "no messages sent\n"
    rows = [("TIME", "FROM", "TO", "SUBJECT", "ID")]
    for message in messages:
        destination = message.get("destination") or {}
        recipients = [*destination.get("to", ()), *destination.get("cc", ()), *destination.get("bcc", ())]
        rows.append(
            (
                str(message.get("timestamp") or ""),
                str(message.get("source") or ""),
                ", ".join(recipients),
                _one_line(message.get("subject") or ""),
                str(message.get("id") or ""),
            )
        )
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) for row in rows]
    return "".join(line.rstrip() + "\n" for line in lines)


def describe(message: Mapping[str, Any]) -> str:
    """One message for people: its envelope, then its text body (or HTML when it has no text)."""
    destination = message.get("destination") or {}
    lines = [
        f"Id:      {message.get('id', '')}",
        f"Date:    {message.get('timestamp', '')}",
        f"Region:  {message.get('region', '')}",
        f"From:    {message.get('source', '')}",
    ]
    for label, key in (("To", "to"), ("Cc", "cc"), ("Bcc", "bcc")):
        if destination.get(key):
            lines.append(f"{label + ':':<9}{', '.join(destination[key])}")
    lines.append(f"Subject: {message.get('subject') or ''}")
    text, html = message.get("text"), message.get("html")
    if text:
        lines += ["", text.rstrip("\n")]
    if html:
        lines += ["", "--- html ---", html.rstrip("\n")] if text else ["", html.rstrip("\n")]
    return "\n".join(lines) + "\n"


def _one_line(text: str) -> str:
    return " ".join(text.split())


class _Failure(Exception):
    pass


def _get(endpoint: str, path: str) -> bytes:
    url = endpoint.rstrip("/") + path
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method="GET"), timeout=_TIMEOUT) as response:
            body: bytes = response.read()
            return body
    except urllib.error.HTTPError as error:
        raise _Failure(_error_text(error.code, error.read())) from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise _Failure(f"nothing answers at {endpoint} ({reason}); is `triggerfish serve` or `up` running?") from None


def _error_text(status: int, body: bytes) -> str:
    try:
        document = json.loads(body)
        message = document.get("message") if isinstance(document, dict) else None
    except ValueError:
        message = None
    return str(message) if message else f"the server answered HTTP {status}"
