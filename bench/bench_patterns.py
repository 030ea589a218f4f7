"""Events per second through ``PatternIndex`` at 10, 1,000 and 10,000 rules.

Rules look like real EventBridge rules: most name a ``source`` and a ``detail-type`` and test a few
``detail`` fields with exact values, prefixes, numeric ranges, anything-but or exists; some use
``$or``; one in ten names no exact value at all. A bus with more rules serves more applications,
so the number of distinct sources grows with the rules (one per five rules, at least 20) and each
event meets about the same number of rules at every size. Events are drawn from the same sources.
The baseline, measured in the same run, is one dict lookup per event on its ``source``: the
cheapest possible routing.

Run: ``.venv/bin/python bench/bench_patterns.py`` (``--quick`` for a short run). Writes
``bench/results/patterns.json``.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path
from typing import Any

from triggerfish.core.patterns import PatternIndex, compile_pattern

RULE_COUNTS = (10, 1_000, 10_000)
TYPES_PER_SOURCE = 10
RESULTS = Path(__file__).parent / "results" / "patterns.json"


def make_rule(rng: random.Random, number: int, sources: int) -> dict[str, Any]:
    source = f"com.example.service{rng.randrange(sources)}"
    detail_type = f"Order{rng.randrange(TYPES_PER_SOURCE)}Changed"
    shape = number % 10
    if shape == 9:
        # No exact value anywhere: filed under a detail field that must be present.
        return {"detail": {f"attr{rng.randrange(500)}": [{"prefix": "v"}]}}
    detail: dict[str, Any] = {}
    if shape in (0, 1, 2):
        detail["status"] = [rng.choice(["PENDING", "SHIPPED", "CANCELLED"])]
    if shape in (3, 4):
        detail["amount"] = [{"numeric": [">", rng.randrange(100), "<=", 1000]}]
    if shape == 5:
        detail["region"] = [{"prefix": "eu-"}]
    if shape == 6:
        detail["status"] = [{"anything-but": ["CANCELLED"]}]
    if shape == 7:
        detail["customer"] = {"tier": [{"exists": True}]}
    rule: dict[str, Any] = {"source": [source], "detail-type": [detail_type]}
    if shape == 8:
        rule["$or"] = [{"detail": {"status": ["SHIPPED"]}}, {"detail": {"amount": [{"numeric": [">", 500]}]}}]
    if detail:
        rule["detail"] = detail
    return rule


def make_event(rng: random.Random, sources: int) -> dict[str, Any]:
    return {
        "version": "0",
        "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
        "detail-type": f"Order{rng.randrange(TYPES_PER_SOURCE)}Changed",
        "source": f"com.example.service{rng.randrange(sources)}",
        "account": "000000000000",
        "time": "2024-01-01T00:00:00Z",
        "region": "us-east-1",
        "resources": [],
        "detail": {
            "status": rng.choice(["PENDING", "SHIPPED", "CANCELLED"]),
            "amount": rng.randrange(1200),
            "region": rng.choice(["eu-west-1", "us-east-1"]),
            "customer": {"id": "c-1", "tier": "gold"},
            "items": [{"sku": "A1", "qty": 2}, {"sku": "B2", "qty": 1}],
        },
    }


def route(routes: dict[str, int], event: Mapping[str, Any]) -> int | None:
    return routes.get(event["source"])


def events_per_second(step: Callable[[Mapping[str, Any]], object], events: list[dict[str, Any]]) -> float:
    best = 0.0
    for _ in range(3):
        started = time.perf_counter()
        for event in events:
            step(event)
        best = max(best, len(events) / (time.perf_counter() - started))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer events per measurement")
    options = parser.parse_args()
    rng = random.Random(7)
    rows = []
    for count in RULE_COUNTS:
        sources = max(20, count // 5)
        events = [make_event(rng, sources) for _ in range(2_000 if options.quick else 20_000)]
        routes = {f"com.example.service{n}": n for n in range(sources)}
        baseline = events_per_second(partial(route, routes), events)
        index = PatternIndex()
        started = time.perf_counter()
        for number in range(count):
            index.add(number, compile_pattern(json.dumps(make_rule(rng, number, sources))))
        compile_seconds = time.perf_counter() - started
        matches = sum(len(index.match(e)) for e in events[:1_000]) / 1_000
        rate = events_per_second(index.match, events)
        rows.append(
            {
                "rules": count,
                "events_per_second": round(rate),
                "microseconds_per_event": round(1e6 / rate, 2),
                "matches_per_event": round(matches, 2),
                "baseline_events_per_second": round(baseline),
                "baseline_ratio": round(baseline / rate, 1),
                "rules_compiled_per_second": round(count / compile_seconds),
            }
        )

    print(f"{'rules':>7} {'events/s':>10} {'us/event':>9} {'matches':>8} {'baseline/s':>11} {'ratio':>6}")
    for row in rows:
        print(
            f"{row['rules']:>7} {row['events_per_second']:>10,} {row['microseconds_per_event']:>9} "
            f"{row['matches_per_event']:>8} {row['baseline_events_per_second']:>11,} "
            f"{row['baseline_ratio']:>6}"
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"benchmark": "patterns", "rows": rows}, indent=2) + "\n")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
