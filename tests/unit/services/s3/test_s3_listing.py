"""Listing pages: prefixes, common prefixes, markers, continuation tokens, versions."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from triggerfish.services.s3.errors import InvalidArgument
from triggerfish.services.s3.listing import (
    ListQuery,
    check_encoding,
    common_prefix,
    continuation_token,
    list_objects,
    page_size,
    resume_point,
    token_position,
    url_encode,
)
from triggerfish.services.s3.listing_versions import VersionQuery, list_versions, versions_page_size
from triggerfish.services.s3.models import StoredObject
from triggerfish.services.s3.object_index import ObjectIndex
from triggerfish.store.factory import open_store

BUCKET = "b"


class CountingIndex:
    """The real index, counting how often listing asks it to start over."""

    def __init__(self, index: ObjectIndex) -> None:
        self.index = index
        self.opened = 0
        self.read = 0

    async def iter_current(
        self, bucket: str, *, prefix: str = "", after: str | None = None
    ) -> AsyncIterator[StoredObject]:
        self.opened += 1
        async for obj in self.index.iter_current(bucket, prefix=prefix, after=after):
            self.read += 1
            yield obj


@pytest.fixture
async def index() -> AsyncIterator[ObjectIndex]:
    store = open_store(None)
    await store.open()
    yield ObjectIndex(store.documents)
    await store.close()


_sequence = 0


def _obj(key: str, *, version: str = "null", delete_marker: bool = False) -> StoredObject:
    global _sequence
    _sequence += 1
    return StoredObject(
        bucket=BUCKET,
        key=key,
        version_id=version,
        blob=None if delete_marker else "0" * 32,
        size=0 if delete_marker else 3,
        etag="" if delete_marker else "abc",
        last_modified=1.0,
        sequence=_sequence,
        delete_marker=delete_marker,
    )


async def put(index: ObjectIndex, *keys: str) -> None:
    for key in keys:
        await index.put_current(_obj(key), now=1.0)


async def put_versions(index: ObjectIndex, key: str, *versions: tuple[str, bool]) -> None:
    """Versions oldest first: (version id, is a delete marker)."""
    last = None
    for version, marker in versions:
        last = _obj(key, version=version, delete_marker=marker)
        await index.put_version(last, now=1.0)
    assert last is not None
    await index.put_current(last, now=1.0)


def keys(page_objects: tuple[StoredObject, ...]) -> list[str]:
    return [obj.key for obj in page_objects]


# --- pure pieces -----------------------------------------------------------------------------


def test_common_prefix_is_up_to_the_first_delimiter_after_the_prefix() -> None:
    assert common_prefix("a/b/c", "", "/") == "a/"
    assert common_prefix("a/b/c", "a/", "/") == "a/b/"
    assert common_prefix("a/b", "a/", "/") is None
    assert common_prefix("a/b", "", "") is None
    assert common_prefix("x--y--z", "", "--") == "x--"


def test_a_marker_inside_a_common_prefix_resumes_past_all_of_it() -> None:
    after, skip = resume_point("photos/2006/x.jpg", "", "/")
    assert skip == "photos/"
    assert after is not None and after > "photos/" + "\U0010ffff" * 10
    assert resume_point("photos", "", "/") == ("photos", None)
    assert resume_point("a/b", "a/", "/") == ("a/b", None)
    assert resume_point(None, "", "/") == (None, None)


def test_continuation_tokens_round_trip_and_foreign_ones_are_refused() -> None:
    for position in ("a", "dir/", "ключ с пробелом", "x+y%z"):
        assert token_position(continuation_token(position)) == position
    for bad in ("not base64!", "aGVsbG8=", ""):
        with pytest.raises(InvalidArgument) as caught:
            token_position(bad)
        assert caught.value.message == "The continuation token provided is incorrect"
        assert caught.value.fields["ArgumentName"] == "continuation-token"


def test_page_size_defaults_caps_and_refuses_negative() -> None:
    assert page_size(None) == 1000
    assert page_size(5000) == 1000
    assert page_size(0) == 0
    with pytest.raises(InvalidArgument, match="between 0 and 2147483647"):
        page_size(-1)
    with pytest.raises(InvalidArgument, match="max-keys cannot be negative"):
        versions_page_size(-1)


def test_url_encoding_keeps_slashes_and_encodes_the_rest() -> None:
    assert url_encode("foo+1/") == "foo%2B1/"
    assert url_encode("quux ab/") == "quux%20ab/"
    assert url_encode("é") == "%C3%A9"
    assert check_encoding("url") is True
    assert check_encoding(None) is False
    with pytest.raises(InvalidArgument, match="Invalid Encoding Method"):
        check_encoding("base64")


# --- object pages ----------------------------------------------------------------------------


async def test_lists_keys_in_order_with_a_prefix(index: ObjectIndex) -> None:
    await put(index, "b", "a", "ab", "abc", "c")
    page = await list_objects(index, BUCKET, ListQuery(prefix="ab"))
    assert keys(page.objects) == ["ab", "abc"]
    assert page.common_prefixes == () and not page.truncated


async def test_delimiter_rolls_keys_into_common_prefixes_counted_once(index: ObjectIndex) -> None:
    await put(index, "asdf", "boo/bar", "boo/baz/xyzzy", "cquux/thud", "cquux/bla")
    page = await list_objects(index, BUCKET, ListQuery(delimiter="/"))
    assert keys(page.objects) == ["asdf"]
    assert page.common_prefixes == ("boo/", "cquux/")
    assert page.count == 3 and not page.truncated
    nested = await list_objects(index, BUCKET, ListQuery(prefix="boo/", delimiter="/"))
    assert keys(nested.objects) == ["boo/bar"] and nested.common_prefixes == ("boo/baz/",)


async def test_pages_one_entry_at_a_time_through_keys_and_common_prefixes(index: ObjectIndex) -> None:
    await put(index, "asdf", "boo/bar", "boo/baz/xyzzy", "cquux/thud", "cquux/bla")
    seen: list[str] = []
    after: str | None = None
    truncated = [True]
    while truncated[-1]:
        page = await list_objects(index, BUCKET, ListQuery(delimiter="/", max_keys=1, after=after))
        assert page.count == 1
        seen.append(page.last or "")
        truncated.append(page.truncated)
        after = page.last
    assert seen == ["asdf", "boo/", "cquux/"]
    assert truncated[1:] == [True, True, False]


async def test_a_full_page_is_truncated_only_when_something_follows(index: ObjectIndex) -> None:
    await put(index, "a", "b")
    assert not (await list_objects(index, BUCKET, ListQuery(max_keys=2))).truncated
    page = await list_objects(index, BUCKET, ListQuery(max_keys=1))
    assert page.truncated and page.last == "a"


async def test_max_keys_zero_is_an_empty_complete_page(index: ObjectIndex) -> None:
    await put(index, "a")
    page = await list_objects(index, BUCKET, ListQuery(max_keys=0))
    assert page.count == 0 and not page.truncated and page.last is None


async def test_a_big_folder_is_skipped_not_read_key_by_key(index: ObjectIndex) -> None:
    await put(index, *[f"big/{n:05d}" for n in range(3000)], "first", "zlast", *[f"{c}/x" for c in "mnop"])
    counting = CountingIndex(index)
    page = await list_objects(counting, BUCKET, ListQuery(delimiter="/"))
    assert page.common_prefixes == ("big/", "m/", "n/", "o/", "p/")
    assert keys(page.objects) == ["first", "zlast"]
    # one read per listed entry (plus what the store hands over in a page), never 3,000
    assert counting.read < 20
    assert counting.opened == 6


async def test_delete_markers_are_not_listed(index: ObjectIndex) -> None:
    await put(index, "a")
    await put_versions(index, "gone", ("v1", False), ("v2", True))
    page = await list_objects(index, BUCKET, ListQuery())
    assert keys(page.objects) == ["a"]


async def test_unicode_keys_sort_by_their_utf8_bytes(index: ObjectIndex) -> None:
    await put(index, "z", "é", "\U0001f600", "\uffff")
    page = await list_objects(index, BUCKET, ListQuery())
    assert keys(page.objects) == ["z", "é", "\uffff", "\U0001f600"]


# --- version pages ---------------------------------------------------------------------------


async def test_versions_newest_first_with_latest_flags(index: ObjectIndex) -> None:
    await put_versions(index, "a", ("a1", False), ("a2", False))
    await put_versions(index, "b", ("b1", False), ("b2", True))
    await put(index, "c")  # never versioned: one "null" version
    page = await list_versions(index, BUCKET, VersionQuery())
    listed = [(v.obj.key, v.obj.version_id, v.latest, v.obj.delete_marker) for v in page.versions]
    assert listed == [
        ("a", "a2", True, False),
        ("a", "a1", False, False),
        ("b", "b2", True, True),
        ("b", "b1", False, False),
        ("c", "null", True, False),
    ]
    assert not page.truncated and page.next_key_marker is None


async def test_version_pages_resume_inside_a_key(index: ObjectIndex) -> None:
    await put_versions(index, "a", ("a1", False), ("a2", False), ("a3", False))
    await put_versions(index, "b", ("b1", False))
    first = await list_versions(index, BUCKET, VersionQuery(max_keys=2))
    assert [v.obj.version_id for v in first.versions] == ["a3", "a2"]
    assert first.truncated and (first.next_key_marker, first.next_version_marker) == ("a", "a2")
    rest = await list_versions(index, BUCKET, VersionQuery(key_marker="a", version_marker="a2"))
    assert [(v.obj.version_id, v.latest) for v in rest.versions] == [("a1", False), ("b1", True)]
    after_key = await list_versions(index, BUCKET, VersionQuery(key_marker="a"))
    assert [v.obj.version_id for v in after_key.versions] == ["b1"]


async def test_versions_roll_up_under_a_delimiter(index: ObjectIndex) -> None:
    await put_versions(index, "d/x", ("x1", False), ("x2", False))
    await put_versions(index, "top", ("t1", False))
    page = await list_versions(index, BUCKET, VersionQuery(delimiter="/", max_keys=1))
    assert page.common_prefixes == ("d/",) and page.versions == ()
    assert page.truncated and page.next_key_marker == "d/" and page.next_version_marker is None
    rest = await list_versions(index, BUCKET, VersionQuery(delimiter="/", key_marker="d/"))
    assert [v.obj.key for v in rest.versions] == ["top"] and rest.common_prefixes == ()


async def test_a_version_marker_needs_a_key_marker(index: ObjectIndex) -> None:
    with pytest.raises(InvalidArgument, match="cannot be specified without a key marker"):
        await list_versions(index, BUCKET, VersionQuery(version_marker="v1"))
