"""The harness replaying EventBridge recordings: what the recording says, the local cloud, one session of
calls, and the registry of replays (``test_events_recorded.py`` runs them)."""

from __future__ import annotations

import datetime
import itertools
import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
from botocore.exceptions import ClientError
from shapes import matches_template

from triggerfish.cloud import Cloud

DATA = Path(__file__).parent / "data" / "events_recorded"
PATTERNS = Path(__file__).parent / "data" / "patterns"
FILES = ("test_events", "test_events_targets", "test_events_patterns", "test_events_schedule")
ACCOUNT, REGION = "000000000000", "us-east-1"
RECORDING_ACCOUNT = "111111111111"  # the recording replaced the real account id with this one
SECONDARY_ACCOUNT = "111122223333"
# regions of their own for replays that change or list what every test shares (the default bus's policy,
# unfiltered listings); us-west-1 and eu-central-1 are left to the multi-region bus test
ISOLATED_REGIONS = iter(
    ("us-east-2", "us-west-2", "ca-central-1", "eu-west-1", "eu-west-2", "eu-west-3", "eu-north-1", "sa-east-1")
)

SOURCE = DETAIL_TYPE = "core.update-account-command"
EVENT_DETAIL = {"command": "update-account", "payload": {"acc_id": "0a787ecb-4015", "sf_id": "baz"}}
PATTERN = {"source": [SOURCE], "detail-type": [DETAIL_TYPE], "detail": {"command": ["update-account"]}}
PATTERN_NO_DETAIL = {"source": [SOURCE], "detail-type": [DETAIL_TYPE]}
ENTRY = {"Source": SOURCE, "DetailType": DETAIL_TYPE, "Detail": json.dumps(EVENT_DETAIL)}
AUTOMATION = {
    "id": "123",
    "actions": [
        {
            "id": "321",
            "type": "SEND_NOTIFICATION",
            "settings": {"message": "", "recipientEmails": [], "subject": "", "type": "SEND_NOTIFICATION"},
        }
    ],
}
PAYLOAD = {
    "userId": 10,
    "businessId": 3,
    "channelId": 6,
    "card": {"foo": "bar"},
    "targetEntity": True,
    "entityAuditTrailEvent": {"foo": "bar"},
}
ECHO = "def handler(event, context):\n    return event\n"


def _load() -> dict[str, dict[str, Any]]:
    recorded: dict[str, dict[str, Any]] = {}
    for stem in FILES:
        snapshot = json.loads((DATA / f"{stem}.snapshot.json").read_text(encoding="utf-8"))
        for key, entry in snapshot.items():
            recorded[f"{stem}::{key.split('::', 1)[1]}"] = entry["recorded-content"]
    return recorded


RECORDED = _load()


# -- comparing with the recording ----------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"<\S+>")
_NUMBERED = re.compile(r"<\S+:\d+>")
_HOLE = re.compile(r"<[^<>]+>")
_ISO_SECONDS = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
BARE_PLACEHOLDERS = frozenset({"receipt-handle", "m-d5-of-body", "event-id"})


class Recording:
    """One recorded answer and what its tokens stand for in this replay."""

    def __init__(
        self, known: Mapping[str, str], bare: frozenset[str] = frozenset(), unchecked: frozenset[str] = frozenset()
    ) -> None:
        self.known = dict(known)
        self.bare = BARE_PLACEHOLDERS | bare
        self.unchecked = unchecked
        self.bound: dict[str, str] = {}

    def check(self, ours: Any, recorded: Any, where: str = "$", ordered: bool = False) -> None:
        if where in self.unchecked:
            return
        if isinstance(recorded, str):
            self._text(ours, recorded, where)
            return
        if isinstance(recorded, dict | list) and isinstance(ours, str):
            # the recording parsed JSON text (message bodies, patterns, policies, inputs)
            ours, ordered = json.loads(ours), True
        if isinstance(recorded, dict):
            assert isinstance(ours, dict), f"{where}: expected an object, got {ours!r}"
            assert set(ours) == set(recorded), f"{where}: keys {sorted(ours)} != recorded {sorted(recorded)}"
            if ordered:
                assert list(ours) == list(recorded), f"{where}: key order {list(ours)} != {list(recorded)}"
            for key, value in recorded.items():
                if key == "ResponseMetadata":
                    # the recording kept only the status of the HTTP answer
                    assert ours[key]["HTTPStatusCode"] == value["HTTPStatusCode"], f"{where}: HTTP status"
                else:
                    self.check(ours[key], value, f"{where}.{key}", ordered)
        elif isinstance(recorded, list):
            assert isinstance(ours, list), f"{where}: expected a list, got {ours!r}"
            assert len(ours) == len(recorded), f"{where}: {len(ours)} items, recorded {len(recorded)}: {ours!r}"
            for index, (mine, theirs) in enumerate(zip(ours, recorded, strict=True)):
                self.check(mine, theirs, f"{where}[{index}]", ordered)
        else:
            assert type(ours) is type(recorded) and ours == recorded, f"{where}: {ours!r} != recorded {recorded!r}"

    def _text(self, ours: Any, recorded: str, where: str) -> None:
        if recorded in self.known:
            assert ours == self.known[recorded], f"{where}: {ours!r} != {self.known[recorded]!r} ({recorded})"
        elif recorded == "datetime":
            assert isinstance(ours, datetime.datetime), f"{where}: {ours!r} is not a timestamp"
        elif recorded == "date":
            assert isinstance(ours, str) and _ISO_SECONDS.fullmatch(ours), f"{where}: {ours!r} is not an ISO time"
        elif recorded in self.bare or _PLACEHOLDER.fullmatch(recorded):
            assert ours is not None, f"{where}: missing ({recorded})"
            if _NUMBERED.fullmatch(recorded):
                self._bind(recorded, json.dumps(ours, default=str), where)
        else:
            self._embedded(ours, recorded, where)

    def _embedded(self, ours: Any, recorded: str, where: str) -> None:
        text = recorded
        for token, value in sorted(self.known.items(), key=lambda item: -len(item[0])):
            text = text.replace(token, value)
        assert isinstance(ours, str), f"{where}: {ours!r} != recorded {recorded!r}"
        holes = _HOLE.findall(text)
        if not holes:
            assert ours == text, f"{where}: {ours!r} != recorded {text!r}"
            return
        assert matches_template(ours, text), f"{where}: {ours!r} does not fit {text!r}"
        pattern = "(.+)".join(re.escape(part) for part in _HOLE.split(text))
        found = re.fullmatch(pattern, ours, flags=re.DOTALL)
        assert found is not None
        for token, value in zip(holes, found.groups(), strict=True):
            if _NUMBERED.fullmatch(token):
                self._bind(token, value, where)

    def _bind(self, token: str, value: str, where: str) -> None:
        if token in self.bound:
            assert self.bound[token] == value, f"{where}: {token} stood for {self.bound[token]}, here {value}"
            return
        other = next((name for name, seen in self.bound.items() if seen == value), None)
        assert other is None, f"{where}: {token} and {other} are one value here ({value}), two in the recording"
        self.bound[token] = value


# -- the local cloud and one replay --------------------------------------------------------------------


@dataclass
class Env:
    """The local cloud every replay shares, with cached clients and a function that echoes its event."""

    cloud: Cloud
    code_dir: Path
    _clients: dict[tuple[str, str], Any] = field(default_factory=dict)
    _names: Iterator[int] = field(default_factory=itertools.count)

    def client(self, service: str, region: str = REGION) -> Any:
        key = (service, region)
        if key not in self._clients:
            self._clients[key] = boto3.client(
                service,
                endpoint_url=self.cloud.endpoint_url,
                region_name=region,
                aws_access_key_id="test",
                aws_secret_access_key="test",
            )
        return self._clients[key]

    def unique(self, prefix: str) -> str:
        return f"{prefix}-{next(self._names):04d}"


@dataclass
class Session:
    """One recorded test replayed: what it answered, by snapshot key, and the names it made."""

    env: Env
    region: str = REGION
    answers: dict[str, Any] = field(default_factory=dict)
    known: dict[str, str] = field(default_factory=dict)
    known_by_key: dict[str, dict[str, str]] = field(default_factory=dict)
    bare: set[str] = field(default_factory=set)
    #: paths (``key.member...``) present in both answers whose values are not compared (say why where added)
    unchecked: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.known.update({"<region>": self.region, "<partition>": "aws", RECORDING_ACCOUNT: ACCOUNT})

    @property
    def events(self) -> Any:
        return self.env.client("events", self.region)

    @property
    def sqs(self) -> Any:
        return self.env.client("sqs", self.region)

    def name(self, prefix: str, token: str | None = None) -> str:
        made = self.env.unique(prefix)
        if token is not None:
            self.known[token] = made
        return made

    def answer(self, key: str, call: Callable[..., Any], **params: Any) -> Any:
        """Make the call and keep boto3's answer (or its error answer) under the snapshot key."""
        try:
            reply = call(**params)
        except ClientError as error:
            reply = dict(error.response)
        self.answers[key] = reply
        return reply

    def queue(self, name: str | None = None) -> tuple[str, str]:
        url = self.sqs.create_queue(QueueName=name or self.env.unique("queue"))["QueueUrl"]
        return url, self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]

    def bus(self, prefix: str = "test-bus", token: str | None = None) -> str:
        name = self.name(prefix, token)
        self.events.create_event_bus(Name=name)
        return name

    def received(self, url: str) -> list[dict[str, Any]]:
        """Every message the queue holds once triggered work has settled, deleted as it is read."""
        self.env.cloud.settle()
        found: list[dict[str, Any]] = []
        while batch := self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
            for message in batch:
                self.sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
            found.extend(batch)
        return found

    def filter_to_sqs(
        self, pattern: Mapping[str, Any], groups: list[tuple[list[dict[str, Any]], bool]], input_path: str | None = None
    ) -> list[dict[str, Any]]:
        """LocalStack's ``put_events_with_filter_to_sqs``: a bus, a rule with ``pattern`` and a queue target;
        each group of entries is put, and what the queue got is collected (nothing when it should not match)."""
        bus = self.bus()
        url, arn = self.queue()
        rule = self.name("test-rule")
        self.events.put_rule(Name=rule, EventBusName=bus, EventPattern=json.dumps(pattern))
        target: dict[str, Any] = {"Id": self.name("test-target"), "Arn": arn}
        if input_path:
            target["InputPath"] = input_path
        added = self.events.put_targets(Rule=rule, EventBusName=bus, Targets=[target])
        assert (added["FailedEntryCount"], added["FailedEntries"]) == (0, [])
        messages: list[dict[str, Any]] = []
        for entries, should_match in groups:
            self.events.put_events(Entries=[{**entry, "EventBusName": bus} for entry in entries])
            got = self.received(url)
            assert bool(got) == should_match, f"{entries} delivered {got}"
            messages.extend(got)
        return messages

    def function(self) -> tuple[str, str]:
        name = self.env.unique("lambda-func")
        arn = self.env.cloud.create_function(name, handler="echo.handler", code_dir=self.env.code_dir).arn
        return name, arn

    def invoked_with(self, function: str) -> list[Any]:
        self.env.cloud.settle()
        return [invocation.event_json() for invocation in self.env.cloud.invocations_of(function)]


# -- the replays ---------------------------------------------------------------------------------------

REPLAYS: dict[str, tuple[Callable[..., None], dict[str, Any]]] = {}


def replays(*tests: str, **params: Any) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Register a replay for recorded ``tests`` (``file::Class::test[param]``), called with ``params``."""

    def register(function: Callable[..., None]) -> Callable[..., None]:
        for test in tests:
            REPLAYS[test] = (function, params)
        return function

    return register
