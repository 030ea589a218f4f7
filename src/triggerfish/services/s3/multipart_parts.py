"""A multipart upload in progress and its parts, and how one is kept as a document.

An upload is one document (kind ``UPLOAD_KIND``, scope the bucket, name ``<key>\\x00<upload id>``)
holding what the object will carry (content headers, metadata, tags, storage class, checksum mode)
and every part uploaded so far. Also here: the pages ListParts and ListMultipartUploads answer, and
the byte range an UploadPartCopy takes. A completed upload keeps its document a while, reduced to the
:class:`Completion` a retried CompleteMultipartUpload answers with.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from triggerfish.services.s3.blobs import Blob
from triggerfish.services.s3.checksums import ALGORITHMS, DIGEST_SIZES, header_name, is_base64_of
from triggerfish.services.s3.errors import BadDigest, InvalidArgument, InvalidDigest, InvalidRange, InvalidRequest
from triggerfish.services.s3.models import ContentHeaders

#: a key never holds NUL (S3 keys are UTF-8 text), so it separates key and upload id in a name
_SEPARATOR = "\x00"


@dataclass(frozen=True)
class Part:
    """One uploaded part; ``md5`` is its ETag without quotes, ``checksums`` map algorithm -> base64."""

    number: int
    blob: str
    size: int
    md5: str
    last_modified: float
    checksums: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Completion:
    """How an upload ended: the parts list it was completed with and the object it made."""

    parts: tuple[tuple[int, str], ...]
    version_id: str
    etag: str
    completed_at: float
    checksums: Mapping[str, str] = field(default_factory=dict)
    checksum_type: str | None = None


@dataclass(frozen=True)
class Upload:
    bucket: str
    key: str
    upload_id: str
    initiated: float
    headers: ContentHeaders = field(default_factory=ContentHeaders)
    metadata: Mapping[str, str] = field(default_factory=dict)
    tags: Mapping[str, str] = field(default_factory=dict)
    storage_class: str = "STANDARD"
    checksum_algorithm: str | None = None
    checksum_type: str | None = None
    parts: Mapping[int, Part] = field(default_factory=dict)
    completion: Completion | None = None

    @property
    def document_name(self) -> str:
        return document_name(self.key, self.upload_id)


def _no_trailers() -> Mapping[str, str]:
    return {}


@dataclass(frozen=True)
class PartChecks:
    """What a client claims about a part's body, to be checked once it is stored.

    ``checksums`` come from ``x-amz-checksum-*`` headers; ``trailing`` names the algorithms whose
    value follows an aws-chunked body, read through ``trailers`` once the body is consumed;
    ``sdk_algorithm`` is ``x-amz-sdk-checksum-algorithm``.
    """

    content_md5: str | None = None
    checksums: Mapping[str, str] = field(default_factory=dict)
    trailing: tuple[str, ...] = ()
    trailers: Callable[[], Mapping[str, str]] = _no_trailers
    sdk_algorithm: str | None = None

    def algorithms(self) -> list[str]:
        """The algorithms the client used, upper case, each once."""
        named = [*self.checksums, *self.trailing, *([self.sdk_algorithm] if self.sdk_algorithm else [])]
        found: list[str] = []
        for name in named:
            upper = name.upper()
            if upper not in ALGORITHMS:
                # S3 lists the algorithms it knows when refusing another
                raise InvalidRequest(
                    "Checksum algorithm provided is unsupported. "
                    "Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]"
                )
            if upper not in found:
                found.append(upper)
        return found


def verify_part(blob: Blob, checks: PartChecks) -> None:
    """Compare the stored body with the client's Content-MD5 and checksums (S3 "Checking object integrity")."""
    if checks.content_md5 is not None:
        try:
            given = base64.b64decode(checks.content_md5.strip(), validate=True)
        except (binascii.Error, ValueError):
            given = b""
        if len(given) != 16:
            raise InvalidDigest(checks.content_md5)
        if given.hex() != blob.md5:
            calculated = base64.b64encode(bytes.fromhex(blob.md5)).decode("ascii")
            raise BadDigest.content_md5(checks.content_md5, calculated)
    trailing = checks.trailers() if checks.trailing else {}
    claimed = dict(checks.checksums)
    for algorithm in checks.trailing:
        value = trailing.get(header_name(algorithm))
        if value is not None:
            claimed[algorithm] = value
    for algorithm, value in claimed.items():
        name = algorithm.upper()
        if not is_base64_of(value.strip(), DIGEST_SIZES[name]):
            raise InvalidRequest(f"Value for {header_name(name)} header is invalid.")
        if blob.checksums.get(name) != value.strip():
            raise BadDigest.checksum(name)


def new_upload_id() -> str:
    """A long, URL-safe, unguessable id, like the ones S3 hands out."""
    return secrets.token_urlsafe(60)


def document_name(key: str, upload_id: str) -> str:
    return f"{key}{_SEPARATOR}{upload_id}"


def encode_upload(upload: Upload) -> str:
    body: dict[str, Any] = {
        "bucket": upload.bucket,
        "key": upload.key,
        "upload_id": upload.upload_id,
        "initiated": upload.initiated,
        "headers": asdict(upload.headers),
        "metadata": dict(upload.metadata),
        "tags": dict(upload.tags),
        "storage_class": upload.storage_class,
        "checksum_algorithm": upload.checksum_algorithm,
        "checksum_type": upload.checksum_type,
        "parts": [_encode_part(part) for _, part in sorted(upload.parts.items())],
        "completion": None if upload.completion is None else _encode_completion(upload.completion),
    }
    return json.dumps(body, separators=(",", ":"))


def decode_upload(text: str) -> Upload:
    body = json.loads(text)
    parts = (_decode_part(raw) for raw in body["parts"])
    completion = body.get("completion")
    return Upload(
        bucket=body["bucket"],
        key=body["key"],
        upload_id=body["upload_id"],
        initiated=body["initiated"],
        headers=ContentHeaders(**body["headers"]),
        metadata=body["metadata"],
        tags=body["tags"],
        storage_class=body["storage_class"],
        checksum_algorithm=body["checksum_algorithm"],
        checksum_type=body["checksum_type"],
        parts={part.number: part for part in parts},
        completion=None if completion is None else _decode_completion(completion),
    )


def _encode_part(part: Part) -> dict[str, Any]:
    return {**asdict(part), "checksums": dict(part.checksums)}


def _decode_part(raw: Mapping[str, Any]) -> Part:
    return Part(
        number=raw["number"],
        blob=raw["blob"],
        size=raw["size"],
        md5=raw["md5"],
        last_modified=raw["last_modified"],
        checksums=raw["checksums"],
    )


def _encode_completion(completion: Completion) -> dict[str, Any]:
    return {
        "parts": [list(pair) for pair in completion.parts],
        "version_id": completion.version_id,
        "etag": completion.etag,
        "completed_at": completion.completed_at,
        "checksums": dict(completion.checksums),
        "checksum_type": completion.checksum_type,
    }


def _decode_completion(raw: Mapping[str, Any]) -> Completion:
    return Completion(
        parts=tuple((int(number), str(etag)) for number, etag in raw["parts"]),
        version_id=raw["version_id"],
        etag=raw["etag"],
        completed_at=raw["completed_at"],
        checksums=raw["checksums"],
        checksum_type=raw["checksum_type"],
    )


# --- pages of uploads and parts -----------------------------------------------------------------


@dataclass(frozen=True)
class PartsPage:
    upload: Upload
    parts: Sequence[Part]
    next_marker: int | None
    truncated: bool


@dataclass(frozen=True)
class UploadsPage:
    uploads: Sequence[Upload]
    common_prefixes: Sequence[str] = field(default_factory=list)
    next_key_marker: str | None = None
    next_upload_id_marker: str | None = None
    truncated: bool = False


def after_markers(uploads: list[Upload], key_marker: str | None, upload_id_marker: str | None) -> list[Upload]:
    if not key_marker:
        return uploads
    marker = key_marker.encode("utf-8")
    if not upload_id_marker:
        return [u for u in uploads if u.key.encode("utf-8") > marker]
    ids = [u.upload_id for u in uploads if u.key == key_marker]
    position = ids.index(upload_id_marker) + 1 if upload_id_marker in ids else 0
    later_same_key = set(ids[position:])
    return [u for u in uploads if u.key.encode("utf-8") > marker or u.upload_id in later_same_key]


def page_of_uploads(
    uploads: list[Upload], prefix: str, delimiter: str | None, limit: int, key_marker: str | None
) -> UploadsPage:
    chosen: list[Upload] = []
    prefixes: list[str] = []
    last: tuple[str, str | None] | None = None
    truncated = False
    for upload in uploads:
        rolled = _common_prefix(upload.key, prefix, delimiter)
        # a common prefix is listed once, and not again on the page after the one it ended
        if rolled is not None and ((prefixes and prefixes[-1] == rolled) or rolled == key_marker):
            continue
        if len(chosen) + len(prefixes) >= limit:
            truncated = True
            break
        if rolled is not None:
            prefixes.append(rolled)
            last = (rolled, None)
        else:
            chosen.append(upload)
            last = (upload.key, upload.upload_id)
    if not truncated or last is None:
        return UploadsPage(chosen, prefixes)
    return UploadsPage(chosen, prefixes, last[0], last[1], True)


def _common_prefix(key: str, prefix: str, delimiter: str | None) -> str | None:
    if not delimiter:
        return None
    rest = key[len(prefix) :]
    index = rest.find(delimiter)
    return None if index < 0 else prefix + rest[: index + len(delimiter)]


# --- copied parts --------------------------------------------------------------------------------


_COPY_RANGE = re.compile(r"bytes=(\d+)-(\d+)")


def copy_range(header: str | None, size: int) -> tuple[int, int]:
    """The inclusive byte range ``x-amz-copy-source-range`` asks of a ``size``-byte source."""
    if header is None:
        return 0, size - 1
    found = _COPY_RANGE.fullmatch(header.strip())
    if found is None:
        # UploadPartCopy takes exactly one closed range (S3 UploadPartCopy)
        raise InvalidArgument(
            "The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are "
            "the zero-based offsets of the first and last bytes to copy",
            "x-amz-copy-source-range",
            header,
        )
    first, last = int(found.group(1)), int(found.group(2))
    if first > last or last >= size:
        raise InvalidRange(header, size)
    return first, last
