"""Reading and validating a bucket's NotificationConfiguration (spec §3.2).

:func:`normalise` checks what PutBucketNotificationConfiguration was given and returns what to
store (and what GetBucketNotificationConfiguration answers): filter rule names written ``Prefix``/
``Suffix``, an ``Id`` on every configuration. :func:`targets` reads a stored configuration back.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from triggerfish.core.arns import parse_arn
from triggerfish.services.s3.errors import InvalidArgument
from triggerfish.services.s3.notifications.matching import EVENT_NAMES, KeyFilter
from triggerfish.services.s3.notifications.overlap import Rule, find_clash

EVENTBRIDGE = "EventBridgeConfiguration"
#: a filter rule value is at most 1024 bytes of UTF-8 (§3.2)
MAX_FILTER_VALUE_BYTES = 1024


@dataclass(frozen=True)
class Kind:
    """One kind of destination: where its configurations sit in the document and how errors name it."""

    list_key: str
    arn_key: str
    #: the element name S3 errors give as ArgumentName (the XML name of the ARN member)
    argument: str
    service: str
    noun: str

    @property
    def test_event(self) -> bool:
        """S3 sends s3:TestEvent to queues and topics; a function gets a dry run, never the event (§3.2)."""
        return self.service != "lambda"


TOPIC = Kind("TopicConfigurations", "TopicArn", "Topic", "sns", "topic")
QUEUE = Kind("QueueConfigurations", "QueueArn", "Queue", "sqs", "queue")
LAMBDA = Kind("LambdaFunctionConfigurations", "LambdaFunctionArn", "CloudFunction", "lambda", "function")
KINDS = (TOPIC, QUEUE, LAMBDA)


@dataclass(frozen=True)
class Target:
    """One stored Queue/Topic/LambdaFunction configuration."""

    kind: Kind
    id: str
    arn: str
    events: tuple[str, ...]
    key_filter: KeyFilter


class UnvalidatedDestinations(InvalidArgument):
    """Destinations S3 could not reach: each ARN and why, as numbered ArgumentName/ArgumentValue members."""

    def __init__(self, failures: Sequence[tuple[str, str]]) -> None:
        super().__init__("Unable to validate the following destination configurations")
        self.fields.clear()
        for number, (arn, reason) in enumerate(failures, 1):
            self.fields[f"ArgumentName{number}"] = arn
            self.fields[f"ArgumentValue{number}"] = reason


def generated_id() -> str:
    """An Id for a configuration given none: S3 makes up a random one."""
    return base64.b64encode(str(uuid.uuid4()).encode()).decode()


def targets(notification: Mapping[str, Any] | None) -> Iterator[Target]:
    """The destinations of a stored (already normalised) configuration, topics, queues, then functions."""
    if not notification:
        return
    for kind in KINDS:
        for entry in notification.get(kind.list_key) or ():
            yield Target(kind, str(entry["Id"]), str(entry[kind.arn_key]), tuple(entry["Events"]), _key_filter(entry))


def normalise(
    config: Mapping[str, Any],
    *,
    exists: Callable[[str], bool] | None,
    new_id: Callable[[], str] = generated_id,
) -> dict[str, Any] | None:
    """The configuration to store, or ``None`` when it configures nothing; raises ``InvalidArgument``.

    ``exists`` tells whether a destination ARN can receive deliveries; ``None`` skips that check
    (``x-amz-skip-destination-validation: true``).
    """
    result: dict[str, Any] = {}
    rules: list[Rule] = []
    for kind in KINDS:
        entries = [_entry(kind, entry, new_id) for entry in config.get(kind.list_key) or ()]
        if entries:
            result[kind.list_key] = entries
            rules.extend(Rule(tuple(entry["Events"]), _key_filter(entry)) for entry in entries)
    if config.get(EVENTBRIDGE) is not None:
        result[EVENTBRIDGE] = {}
    _check_overlap(rules)
    if exists is not None:
        _check_destinations(list(targets(result)), exists)
    return result or None


def probed_destinations(notification: Mapping[str, Any] | None) -> list[str]:
    """The queues and topics, each once, that get an s3:TestEvent when the configuration is put (§3.2)."""
    arns = [target.arn for target in targets(notification) if target.kind.test_event]
    return list(dict.fromkeys(arns))


def _entry(kind: Kind, entry: Mapping[str, Any], new_id: Callable[[], str]) -> dict[str, Any]:
    events = [str(event) for event in entry.get("Events") or ()]
    for event in events:
        if event not in EVENT_NAMES:
            raise InvalidArgument("The event is not supported for notifications", "Event", event)
    arn = str(entry.get(kind.arn_key) or "")
    _check_arn(kind, arn)
    result: dict[str, Any] = {"Id": entry.get("Id") or new_id(), kind.arn_key: arn, "Events": events}
    filter_rules = _filter_rules(entry)
    if filter_rules:
        result["Filter"] = {"Key": {"FilterRules": filter_rules}}
    return result


def _filter_rules(entry: Mapping[str, Any]) -> list[dict[str, str]]:
    given = ((entry.get("Filter") or {}).get("Key") or {}).get("FilterRules") or ()
    rules: list[dict[str, str]] = []
    seen: set[str] = set()
    for rule in given:
        name = str(rule.get("Name") or "")
        value = str(rule.get("Value") or "")
        # rule names are case-insensitive on input and stored as Prefix/Suffix (§3.2)
        canonical = name.lower().capitalize()
        if canonical not in ("Prefix", "Suffix"):
            raise InvalidArgument("filter rule name must be either prefix or suffix", "FilterRule", name)
        if canonical in seen:
            message = f"Cannot specify more than one {canonical.lower()} rule in a filter."
            raise InvalidArgument(message, "FilterRule", name)
        seen.add(canonical)
        if len(value.encode("utf-8")) > MAX_FILTER_VALUE_BYTES:
            raise InvalidArgument(
                "Size of filter rule value cannot exceed 1024 bytes in UTF-8 representation", "FilterRule", value
            )
        rules.append({"Name": canonical, "Value": value})
    return rules


def _key_filter(entry: Mapping[str, Any]) -> KeyFilter:
    rules = ((entry.get("Filter") or {}).get("Key") or {}).get("FilterRules") or ()
    values = {str(rule.get("Name", "")).lower(): str(rule.get("Value", "")) for rule in rules}
    return KeyFilter(values.get("prefix", ""), values.get("suffix", ""))


def _check_arn(kind: Kind, arn: str) -> None:
    # an ARN that is not one of the destination's kind cannot be parsed (§3.2)
    try:
        parsed = parse_arn(arn)
    except ValueError:
        parsed = None
    if (
        parsed is None
        or parsed.service != kind.service
        or not parsed.region
        or not parsed.account
        or not parsed.resource
        or (kind is LAMBDA and not parsed.resource.startswith("function:"))
    ):
        raise InvalidArgument("The ARN could not be parsed", kind.argument, arn)


def _check_overlap(rules: Sequence[Rule]) -> None:
    clash = find_clash(rules)
    if clash is None:
        return
    if clash.first.key_filter.empty and clash.second.key_filter.empty:
        # two unfiltered configurations naming one event (S3's answer quoted in minio/minio#2472)
        raise InvalidArgument(
            "Configurations overlap. Configurations on the same bucket cannot share a common event type.",
            "Event",
            f"{clash.first_event}, {clash.second_event}",
        )
    # with a key filter on either side S3 words it this way (aws/aws-cli#2387, aws/aws-cdk#29951)
    raise InvalidArgument(
        "Configuration is ambiguously defined. Cannot have overlapping suffixes in two rules if the prefixes "
        "are overlapping for the same event type.",
        "Event",
        f"{clash.first_event}, {clash.second_event}",
    )


def _check_destinations(found: Sequence[Target], exists: Callable[[str], bool]) -> None:
    failures: list[tuple[str, str]] = []
    for target in found:
        if any(arn == target.arn for arn, _ in failures):
            continue
        # S3 publishes to standard queues and topics only (§3.2): a FIFO one fails its test message
        fifo = target.kind.test_event and target.arn.endswith(".fifo")
        if fifo or not exists(target.arn):
            failures.append((target.arn, _refusal(target)))
    if failures:
        raise UnvalidatedDestinations(failures)


def _refusal(target: Target) -> str:
    if target.kind is LAMBDA:
        return f"Not authorized to invoke function [{target.arn}]"
    noun = target.kind.noun
    return f"Permissions on the destination {noun} do not allow S3 to publish notifications from this bucket"
