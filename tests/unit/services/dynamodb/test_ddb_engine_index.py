"""The in-memory table: sorted entries, Query ranges both ways with resumption, secondary indexes (sparse,
projected, maintained on change), parallel Scan segments, sizes, and index changes."""

from __future__ import annotations

import random
from typing import Any

import pytest

from triggerfish.services.dynamodb.errors import ValidationError
from triggerfish.services.dynamodb.expressions.keys import KeyCondition
from triggerfish.services.dynamodb.models import (
    Item,
    KeySchema,
    Projection,
    ProjectionType,
    ScalarType,
    SecondaryIndex,
    TableConfig,
)
from triggerfish.services.dynamodb.sorted_index import SortedEntries
from triggerfish.services.dynamodb.table_data import TableData
from triggerfish.services.dynamodb.values import item_size, key_text


def config(**changes: Any) -> TableConfig:
    base = TableConfig(
        name="t",
        account="000000000000",
        region="us-east-1",
        table_id="t-1",
        created_at=1_700_000_000.0,
        key=KeySchema("pk", "sk"),
        attribute_types=(("pk", ScalarType.S), ("sk", ScalarType.N), ("g", ScalarType.S), ("gs", ScalarType.N)),
    )
    return base.evolve(**changes)


def gsi(name: str = "by-g", projection: Projection | None = None) -> SecondaryIndex:
    return SecondaryIndex(name, KeySchema("g", "gs"), projection or Projection(), is_global=True)


def put(data: TableData, item: Item) -> None:
    data.apply(key_text(data.key_of(item)), item)


def row(pk: str, sk: int, **extra: Any) -> Item:
    item: Item = {"pk": {"S": pk}, "sk": {"N": str(sk)}}
    for name, value in extra.items():
        item[name] = {"N": str(value)} if isinstance(value, int) else {"S": value}
    return item


def sks(items: Any) -> list[int]:
    return [int(item["sk"]["N"]) for item in items]


def kc(pk: str, op: str | None = None, *values: Any, name: str = "pk", sort: str = "sk") -> KeyCondition:
    def av(value: Any) -> dict[str, str]:
        return {"N": str(value)} if isinstance(value, int) else {"S": value}

    return KeyCondition(name, {"S": pk}, sort if op else None, op, tuple(av(v) for v in values))


def test_sorted_entries_match_a_sorted_list_across_chunks() -> None:
    rng = random.Random(7)
    entries, model = SortedEntries(), set()
    for _ in range(6000):
        value = (rng.randrange(3000), "x")
        if value in model and rng.random() < 0.4:
            assert entries.discard(value)
            model.discard(value)
        elif value not in model:
            entries.add(value)
            model.add(value)
    ordered = sorted(model)
    assert len(entries) == len(ordered)
    assert list(entries.ascending()) == ordered
    assert list(entries.descending()) == ordered[::-1]
    middle = ordered[len(ordered) // 2]
    assert list(entries.ascending(middle, inclusive=False)) == [v for v in ordered if v > middle]
    assert list(entries.descending(middle)) == [v for v in ordered if v <= middle][::-1]
    assert not entries.discard((99999, "x"))
    assert middle in entries


def test_iteration_resumes_by_value_when_entries_change_meanwhile() -> None:
    entries = SortedEntries()
    for n in range(200):
        entries.add((n,))
    seen = []
    for entry in entries.ascending():
        seen.append(entry[0])
        if entry[0] == 10:
            entries.discard((150,))
            entries.add((300,))
    assert seen == [n for n in range(200) if n != 150] + [300]


@pytest.fixture
def table() -> TableData:
    data = TableData(config())
    for pk in ("a", "b", "c"):
        for sk in range(-5, 45):
            put(data, row(pk, sk, name=f"n{sk:03d}"))
    return data


@pytest.mark.parametrize(
    ("op", "values", "expected"),
    [
        (None, (), list(range(-5, 45))),
        ("=", (7,), [7]),
        ("<", (0,), list(range(-5, 0))),
        ("<=", (0,), list(range(-5, 1))),
        (">", (40,), list(range(41, 45))),
        (">=", (40,), list(range(40, 45))),
        ("BETWEEN", (3, 6), [3, 4, 5, 6]),
        ("=", (100,), []),
    ],
)
def test_query_selects_a_sort_key_range_in_both_directions(
    table: TableData, op: str | None, values: tuple[int, ...], expected: list[int]
) -> None:
    assert sks(table.query(kc("b", op, *values))) == expected
    assert sks(table.query(kc("b", op, *values), forward=False)) == expected[::-1]


def test_query_with_begins_with_on_a_string_sort_key() -> None:
    data = TableData(config(key=KeySchema("pk", "s"), attribute_types=(("pk", ScalarType.S), ("s", ScalarType.S))))
    for s in ("a", "ab", "abc", "abd", "b", "aa", "ac", "ab\U0010ffff"):
        put(data, {"pk": {"S": "p"}, "s": {"S": s}})
    cond = KeyCondition("pk", {"S": "p"}, "s", "begins_with", ({"S": "ab"},))
    forward = [item["s"]["S"] for item in data.query(cond)]
    assert forward == ["ab", "abc", "abd", "ab\U0010ffff"]
    assert [item["s"]["S"] for item in data.query(cond, forward=False)] == forward[::-1]
    start = {"pk": {"S": "p"}, "s": {"S": "abc"}}
    assert [item["s"]["S"] for item in data.query(cond, start_key=start)] == ["abd", "ab\U0010ffff"]
    assert [item["s"]["S"] for item in data.query(cond, start_key=start, forward=False)] == ["ab"]


def test_query_resumes_strictly_after_the_start_key(table: TableData) -> None:
    start = data_key("b", 10)
    assert sks(table.query(kc("b", ">=", 5), start_key=start)) == list(range(11, 45))
    assert sks(table.query(kc("b", ">=", 5), start_key=start, forward=False)) == list(range(9, 4, -1))
    # a start key below the range starts at the range
    assert sks(table.query(kc("b", ">=", 40), start_key=data_key("b", 0))) == list(range(40, 45))


def data_key(pk: str, sk: int) -> Item:
    return {"pk": {"S": pk}, "sk": {"N": str(sk)}}


def test_numbers_sort_by_value_not_text() -> None:
    data = TableData(config())
    for text in ("10", "9", "-1", "1.5", "-20", "0"):
        put(data, {"pk": {"S": "p"}, "sk": {"N": text}})
    assert [i["sk"]["N"] for i in data.query(kc("p"))] == ["-20", "-1", "0", "1.5", "9", "10"]


def test_gsi_is_sparse_ordered_by_index_key_and_follows_changes() -> None:
    data = TableData(config(global_indexes=(gsi(),)))
    put(data, row("a", 1, g="x", gs=5))
    put(data, row("b", 1, g="x", gs=3))
    put(data, row("c", 1, g="x", gs=3))
    put(data, row("d", 1, g="y", gs=1))
    put(data, row("e", 1))  # no index key: not in the index
    put(data, row("f", 1, g="x"))  # no index sort key: not in the index
    by_g = KeyCondition("g", {"S": "x"})
    assert [i["pk"]["S"] for i in data.query(by_g, index="by-g")] == ["b", "c", "a"]
    assert data.index_item_count("by-g") == 4
    put(data, row("a", 1, g="y", gs=5))  # moves to another index partition
    assert [i["pk"]["S"] for i in data.query(by_g, index="by-g")] == ["b", "c"]
    data.apply(key_text(data_key("b", 1)), None)
    assert [i["pk"]["S"] for i in data.query(by_g, index="by-g")] == ["c"]
    resume = {**data_key("d", 1), "g": {"S": "y"}, "gs": {"N": "1"}}
    assert [i["pk"]["S"] for i in data.query(KeyCondition("g", {"S": "y"}), index="by-g", start_key=resume)] == ["a"]


def test_index_projections_keep_the_keys_and_included_attributes() -> None:
    keys_only = gsi("k", Projection(ProjectionType.KEYS_ONLY))
    include = gsi("i", Projection(ProjectionType.INCLUDE, ("kept",)))
    data = TableData(config(global_indexes=(keys_only, include)))
    item = row("a", 1, g="x", gs=2, kept="yes", other="no")
    put(data, item)
    [projected] = data.query(KeyCondition("g", {"S": "x"}), index="k")
    assert set(projected) == {"pk", "sk", "g", "gs"}
    [projected] = data.query(KeyCondition("g", {"S": "x"}), index="i")
    assert set(projected) == {"pk", "sk", "g", "gs", "kept"}
    assert data.index_size_bytes("i") == item_size(projected)


def test_local_index_orders_a_partition_by_its_sort_key() -> None:
    lsi = SecondaryIndex("by-name", KeySchema("pk", "name"), Projection(), is_global=False)
    data = TableData(config(local_indexes=(lsi,), attribute_types=(*config().attribute_types, ("name", ScalarType.S))))
    for sk, name in ((1, "c"), (2, "a"), (3, "b")):
        put(data, row("p", sk, name=name))
    got = data.query(KeyCondition("pk", {"S": "p"}, "name", ">", ({"S": "a"},)), index="by-name")
    assert [i["name"]["S"] for i in got] == ["b", "c"]


def test_unknown_index_and_bad_start_key_are_validation_errors(table: TableData) -> None:
    with pytest.raises(ValidationError, match="specified index"):
        list(table.query(kc("a"), index="nope"))
    with pytest.raises(ValidationError, match="starting key"):
        list(table.query(kc("a"), start_key={"pk": {"S": "a"}}))


def test_scan_segments_cover_every_item_once_in_a_stable_order(table: TableData) -> None:
    everything = list(table.scan())
    assert len(everything) == 150
    assert list(table.scan()) == everything
    parts = [list(table.scan(segment=s, total_segments=4)) for s in range(4)]
    keys = [key_text(table.key_of(i)) for part in parts for i in part]
    assert sorted(keys) == sorted(key_text(table.key_of(i)) for i in everything)
    for s, part in enumerate(parts):
        assert all(table.segment_of(i, 4) == s for i in part)
    # paging: resume after the 37th item
    start = table.key_of(everything[36])
    assert list(table.scan(start_key=start)) == everything[37:]


def test_sizes_and_counts_are_kept_as_items_change(table: TableData) -> None:
    assert table.item_count == 150
    total = sum(item_size(i) for i in table.scan())
    assert table.size_bytes == total
    put(table, row("a", 1, name="a much longer name than before"))
    table.apply(key_text(data_key("c", 2)), None)
    assert table.item_count == 149
    assert table.size_bytes == sum(item_size(i) for i in table.scan())


def test_reconfigure_backfills_a_new_index_and_drops_a_removed_one(table: TableData) -> None:
    put(table, row("a", 1, g="x", gs=1))
    table.reconfigure(config(global_indexes=(gsi(),)))
    assert [i["pk"]["S"] for i in table.query(KeyCondition("g", {"S": "x"}), index="by-g")] == ["a"]
    table.reconfigure(config())
    with pytest.raises(ValidationError):
        list(table.scan(index="by-g"))
