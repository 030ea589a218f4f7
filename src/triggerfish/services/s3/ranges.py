"""The Range header of GetObject and HeadObject, and ``partNumber`` reads.

S3 serves one byte range (RFC 7233 ``bytes=a-b``, ``bytes=a-``, ``bytes=-n``); a header it
cannot read, or one naming several ranges, is ignored and the whole object is returned. A
range starting past the end answers 416 InvalidRange (S3 GetObject).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from triggerfish.services.s3.errors import InvalidRange, S3Error
from triggerfish.services.s3.models import StoredObject

_RANGE = re.compile(r"\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*")


@dataclass(frozen=True)
class ByteRange:
    start: int
    #: exclusive
    end: int
    size: int

    @property
    def content_range(self) -> str:
        return f"bytes {self.start}-{self.end - 1}/{self.size}"

    @property
    def length(self) -> int:
        return self.end - self.start


class InvalidPartNumber(S3Error):
    code = "InvalidPartNumber"
    status = 416

    def __init__(self, part_number: int, parts: int) -> None:
        super().__init__(
            "The requested partnumber is not satisfiable",
            fields={"PartNumberRequested": part_number, "ActualPartCount": parts},
        )


def parse_range(header: str | None, size: int) -> ByteRange | None:
    """The range ``header`` asks of an object of ``size`` bytes; ``None`` for the whole object."""
    if header is None:
        return None
    found = _RANGE.fullmatch(header)
    if found is None:
        return None
    first, last = found.group(1), found.group(2)
    if not first and not last:
        return None
    if not first:
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise InvalidRange(header, size)
        return ByteRange(max(0, size - suffix), size, size)
    start = int(first)
    end = size if not last else min(int(last) + 1, size)
    if last and int(last) < start:
        return None  # syntactically invalid: ignored, like any unreadable Range
    if start >= size:
        raise InvalidRange(header, size)
    return ByteRange(start, end, size)


def part_range(obj: StoredObject, part_number: int) -> ByteRange:
    """The bytes of part ``part_number`` (1-based); an object not uploaded in parts has one part."""
    sizes = obj.part_sizes or (obj.size,)
    if part_number < 1 or part_number > len(sizes):
        raise InvalidPartNumber(part_number, len(sizes))
    start = sum(sizes[: part_number - 1])
    return ByteRange(start, start + sizes[part_number - 1], obj.size)
