"""What a completed multipart upload is made of: its ETag, its checksum, and the checks on the parts list.

Pure functions over the parts, no I/O; :mod:`triggerfish.services.s3.multipart` applies them.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from triggerfish.services.s3.checksums import new_hasher
from triggerfish.services.s3.errors import (
    BadDigest,
    EntityTooSmall,
    InvalidPart,
    InvalidPartOrder,
    InvalidRequest,
    MalformedXML,
)
from triggerfish.services.s3.multipart_parts import Part, Upload

#: every part but the last must be at least this large (S3 "Multipart upload limits": 5 MiB)
MIN_PART_SIZE = 5 * 1024 * 1024
MAX_PART_NUMBER = 10_000
COMPOSITE = "COMPOSITE"
FULL_OBJECT = "FULL_OBJECT"
# S3 "Checking object integrity": full-object checksums only for the CRCs, composite ones not for CRC64NVME
_FULL_OBJECT_ALGORITHMS = frozenset({"CRC32", "CRC32C", "CRC64NVME"})
_COMPOSITE_ALGORITHMS = frozenset({"CRC32", "CRC32C", "SHA1", "SHA256"})


@dataclass(frozen=True)
class RequestedPart:
    """One ``<Part>`` of a CompleteMultipartUpload body; ``etag`` without quotes, checksums by algorithm."""

    number: int
    etag: str
    checksums: Mapping[str, str] = field(default_factory=dict)


def multipart_etag(md5_hexes: Sequence[str]) -> str:
    """S3's ETag of a multipart object: the MD5 of the parts' binary MD5s, ``-`` and the part count."""
    digest = hashlib.md5(b"".join(bytes.fromhex(value) for value in md5_hexes), usedforsecurity=False)
    return f"{digest.hexdigest()}-{len(md5_hexes)}"


def composite_checksum(algorithm: str, part_values: Sequence[str]) -> str:
    """The checksum of the parts' binary checksums, base64, ``-`` and the part count (S3 composite checksums)."""
    hasher = new_hasher(algorithm)
    for value in part_values:
        hasher.update(base64.b64decode(value))
    return f"{hasher.b64()}-{len(part_values)}"


def checksum_mode(algorithm: str | None, checksum_type: str | None) -> tuple[str | None, str | None]:
    """The (algorithm, type) an upload keeps, from CreateMultipartUpload's headers.

    S3 picks COMPOSITE by default, FULL_OBJECT for CRC64NVME (which has no composite form).
    """
    if algorithm is None:
        if checksum_type is not None:
            raise InvalidRequest(
                "The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header."
            )
        return None, None
    algorithm = algorithm.upper()
    if checksum_type is None:
        checksum_type = FULL_OBJECT if algorithm == "CRC64NVME" else COMPOSITE
    checksum_type = checksum_type.upper()
    allowed = _FULL_OBJECT_ALGORITHMS if checksum_type == FULL_OBJECT else _COMPOSITE_ALGORITHMS
    if checksum_type not in (FULL_OBJECT, COMPOSITE) or algorithm not in allowed:
        raise InvalidRequest(
            f"The {checksum_type} checksum type cannot be used with the {algorithm.lower()} checksum algorithm."
        )
    return algorithm, checksum_type


def unquote_etag(etag: str) -> str:
    return etag.strip().strip('"')


def chosen_parts(
    upload: Upload, requested: Sequence[RequestedPart], *, min_part_size: int = MIN_PART_SIZE
) -> list[Part]:
    """The stored parts a CompleteMultipartUpload names, checked as S3 checks them.

    Order of the checks follows S3: an empty list is malformed, the numbers must ascend, each part
    must exist with that ETag (and checksum), and all but the last must reach the minimum size.
    """
    if not requested:
        raise MalformedXML()
    numbers = [part.number for part in requested]
    if any(later <= earlier for earlier, later in itertools.pairwise(numbers)):
        raise InvalidPartOrder(upload.upload_id)
    chosen: list[Part] = []
    for asked in requested:
        part = upload.parts.get(asked.number)
        if part is None or unquote_etag(asked.etag) != part.md5:
            raise InvalidPart(upload.upload_id, asked.number, unquote_etag(asked.etag))
        _check_part_checksums(upload, part, asked)
        chosen.append(part)
    for part in chosen[:-1]:
        if part.size < min_part_size:
            error = EntityTooSmall(part.size, min_part_size)
            error.fields.update({"PartNumber": part.number, "ETag": part.md5})
            raise error
    return chosen


def _check_part_checksums(upload: Upload, part: Part, asked: RequestedPart) -> None:
    algorithm = upload.checksum_algorithm
    if algorithm is not None and upload.checksum_type == COMPOSITE and algorithm not in asked.checksums:
        # a composite checksum is built from the part checksums the client names
        raise InvalidRequest(
            f"The upload was created using a {algorithm.lower()} checksum. The complete request must include "
            f"the checksum for each part. It was missing for part {asked.number} in the request."
        )
    for name, value in asked.checksums.items():
        stored = part.checksums.get(name)
        if stored is not None and not _same_checksum(stored, value):
            raise InvalidPart(upload.upload_id, asked.number, unquote_etag(asked.etag))


def _same_checksum(stored: str, given: str) -> bool:
    try:
        return base64.b64decode(stored) == base64.b64decode(given.strip(), validate=True)
    except (binascii.Error, ValueError):
        return False


def check_part_algorithm(upload: Upload, claimed: Sequence[str]) -> None:
    expected = upload.checksum_algorithm
    if expected is None:
        return
    others = [name for name in claimed if name != expected]
    if others or (not claimed and upload.checksum_type != FULL_OBJECT):
        # S3 refuses a part whose checksum is not the upload's; a composite one needs every part's
        actual = others[0].lower() if others else "null"
        raise InvalidRequest(
            "Checksum Type mismatch occurred, "
            f"expected checksum Type: {expected.lower()}, actual checksum Type: {actual}"
        )


def final_checksums(upload: Upload, parts: Sequence[Part], composed: Mapping[str, str]) -> dict[str, str]:
    algorithm = upload.checksum_algorithm
    if algorithm is None:
        return {}
    if upload.checksum_type == FULL_OBJECT:
        return {algorithm: composed[algorithm]}
    return {algorithm: composite_checksum(algorithm, [part.checksums[algorithm] for part in parts])}


def check_object_checksums(final: Mapping[str, str], given: Mapping[str, str]) -> None:
    for algorithm, value in given.items():
        ours = final.get(algorithm)
        # a composite value may be given with or without its "-N" part count
        if ours is not None and value.strip() not in (ours, ours.rpartition("-")[0]):
            raise BadDigest.checksum(algorithm)
