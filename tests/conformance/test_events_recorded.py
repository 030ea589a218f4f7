"""EventBridge answers and deliveries replayed against AWS's own recordings.

``data/events_recorded/test_events*.snapshot.json`` hold what real EventBridge answered to LocalStack's
validated tests, and what its SQS and Lambda targets received (provenance in ``events_recorded/SOURCES.md``).
Every recorded test below is made again with boto3 against ``triggerfish.local(virtual_clock=True)``: the
same calls in the same order, through our own SQS queues and Lambda functions. Our answers must be AWS's:

* the same keys at every level and the same HTTP status; JSON text the recording parsed (bodies, patterns,
  policies, inputs) is parsed here too, and its keys must come in the same order;
* stable values equal. The recording's tokens are put back with the values this replay used: ``<region>``,
  ``<partition>``, the names it made (``<rule-name>``, ``<bus-name>``, ...) and its account
  ``111111111111`` (ours is ``000000000000``);
* a value the recording hid matches anything non-null: ``<token:N>`` one value per token and one token per
  value (so one event id seen by two targets must be one id here too), other ``<token>`` and the bare words
  ``receipt-handle``/``m-d5-of-body``/``event-id`` anything; ``date`` is a second-precision ISO time
  (checked) and ``datetime`` a timestamp botocore parsed.

Cases that need what we do not run (S3 notifications, SNS, Firehose, Kinesis, Logs, API Gateway targets)
are listed in ``SKIPPED`` with the reason; ``test_every_recording_is_replayed_or_skipped`` keeps the list
honest. ``KNOWN_DIFFERENCES`` are replayed and strictly expected to fail until fixed where they live.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import recorded_events_buses  # noqa: F401  (registers its replays)
import recorded_events_others  # noqa: F401
import recorded_events_rules  # noqa: F401
from recorded_events_harness import (
    ECHO,
    RECORDED,
    REGION,
    REPLAYS,
    Env,
    Recording,
    Session,
)

import triggerfish


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    code_dir = tmp_path_factory.mktemp("echo")
    (code_dir / "echo.py").write_text(ECHO)
    with triggerfish.local(virtual_clock=True) as cloud:
        yield Env(cloud, code_dir)


# -- what is not replayed, and why -------------------------------------------------------------------

_NO_SNS = "needs SNS (a topic target subscribed by a queue); the topic service is not part of the local cloud yet"
SKIPPED: dict[str, str] = {
    "test_events::TestEventRule::test_process_pattern_to_single_matching_rules_single_target": (
        "the request side (rules and input transformers producing 'detail-payload-with-id') is not in the "
        "stored sources and cannot be rebuilt from the answers alone"
    ),
    "test_events_targets::TestEventsTargetFirehose::test_put_events_with_target_firehose": (
        "needs Firehose delivering to S3; neither service is part of the local cloud"
    ),
    "test_events_targets::TestEventsTargetKinesis::test_put_events_with_target_kinesis": (
        "needs a Kinesis stream target; Kinesis is not part of the local cloud yet"
    ),
    "test_events_targets::TestEventsTargetSns::test_put_events_with_target_sns[standard]": _NO_SNS,
    "test_events_targets::TestEventsTargetSns::test_put_events_with_target_sns[domain]": _NO_SNS,
    "test_events_targets::TestEventsTargetSns::test_put_events_with_target_sns[path]": _NO_SNS,
}
SKIPPED_KEYS: dict[str, dict[str, str]] = {
    "test_events::TestEventBus::test_put_events_to_default_eventbus_for_custom_eventbus": {
        "get-events": "the event comes from S3's EventBridge notifications; S3 is not part of the local cloud",
    },
    "test_events_targets::TestEventsTargetApiGateway::test_put_events_with_target_api_gateway": {
        "create_lambda_response": "a Lambda CreateFunction answer, not EventBridge's (Lambda has its own recordings)",
        "deployment_response": "an API Gateway CreateDeployment answer, not EventBridge's",
        "lambda_logs": "API Gateway targets of rules are not delivered to yet",
    },
    "test_events_targets::TestEventsTargetCloudWatchLogs::test_put_events_with_target_cloudwatch_logs": {
        "log_events": "needs CloudWatch Logs log groups as targets; Logs is not part of the local cloud",
    },
}
# replayed, and strictly expected to differ until fixed where the difference lives
KNOWN_DIFFERENCES: dict[str, str] = {
    "test_events::TestEvents::test_put_events_exceed_limit_ten_entries[custom]": (
        "AWS prints each PutEventsRequestEntry with two members the public model lacks "
        "(kmsKeyIdentifier=null, internalMetadata=null); the message is built by the generic wire validation "
        "(aws/protocol/validation.py) from botocore's model"
    ),
    "test_events::TestEvents::test_put_events_exceed_limit_ten_entries[default]": (
        "the same two members missing from the PutEventsRequestEntry AWS prints (see [custom])"
    ),
}


def _replay_ids() -> list[Any]:
    params = []
    for test in RECORDED:
        if not RECORDED[test] or test in SKIPPED:
            continue
        marks = [pytest.mark.xfail(reason=KNOWN_DIFFERENCES[test], strict=True)] if test in KNOWN_DIFFERENCES else []
        params.append(pytest.param(test, id=test, marks=marks))
    return params


@pytest.mark.parametrize("test", _replay_ids())
def test_recorded_answers_are_ours(env: Env, test: str) -> None:
    function, params = REPLAYS[test]
    session = Session(env, region=params.get("region", REGION))
    function(session, **{k: v for k, v in params.items() if k != "region"})
    recorded = RECORDED[test]
    skipped = SKIPPED_KEYS.get(test, {})
    assert set(session.answers) == set(recorded) - set(skipped), "the replay made other calls than the recording"
    for key, answer in session.answers.items():
        known = {**session.known, **session.known_by_key.get(key, {})}
        Recording(known, frozenset(session.bare), frozenset(session.unchecked)).check(answer, recorded[key], where=key)


@pytest.mark.parametrize("test", sorted(SKIPPED))
def test_skipped_recordings(test: str) -> None:
    pytest.skip(SKIPPED[test])


def test_every_recording_is_replayed_or_skipped() -> None:
    with_content = {test for test, content in RECORDED.items() if content}
    assert with_content - set(SKIPPED) <= set(REPLAYS), sorted(with_content - set(SKIPPED) - set(REPLAYS))
    assert set(SKIPPED) <= with_content
    assert set(REPLAYS) <= with_content, sorted(set(REPLAYS) - with_content)
    for test, keys in SKIPPED_KEYS.items():
        assert test in REPLAYS and set(keys) < set(RECORDED[test]), test
    assert set(KNOWN_DIFFERENCES) <= set(REPLAYS)


def test_tokens_are_not_wildcards() -> None:
    recording = Recording({"<rule-name>": "rule-1", "<region>": REGION})
    with pytest.raises(AssertionError):
        recording.check("rule-2", "<rule-name>")
    with pytest.raises(AssertionError):
        recording.check({"time": "yesterday"}, {"time": "date"})
    with pytest.raises(AssertionError):
        recording.check(["a", "b"], ["<uuid:1>", "<uuid:1>"])
    with pytest.raises(AssertionError):
        Recording({}).check(["a", "a"], ["<uuid:1>", "<uuid:2>"])
    with pytest.raises(AssertionError):
        recording.check('{"b": 1, "a": 2}', {"a": 2, "b": 1})
    recording.check(
        "arn:aws:events:us-east-1:x:rule/rule-1", "arn:<partition>:events:<region>:<account>:rule/<rule-name>"
    )
