"""The S3 provider (``s3``, rest-xml protocol): a table from operation name to a small method of one of its
parts, behind the presigned-URL expiry check."""

from __future__ import annotations

from triggerfish.aws.protocol import HttpRequest
from triggerfish.aws.providers.base import BodyLimit, Call, Reply
from triggerfish.aws.providers.s3.bucket_settings import BucketSettingsOperations
from triggerfish.aws.providers.s3.buckets import BucketOperations
from triggerfish.aws.providers.s3.listing import ListingOperations
from triggerfish.aws.providers.s3.multipart import MultipartOperations
from triggerfish.aws.providers.s3.notifications import NotificationOperations
from triggerfish.aws.providers.s3.objects import ObjectOperations, Operation
from triggerfish.aws.providers.s3.presign import check_expiry
from triggerfish.services.s3.multipart import MultipartUploads
from triggerfish.services.s3.notifications import Notifier
from triggerfish.services.s3.service import S3Service

# A single PUT carries at most 5 GB (S3 "Uploading objects"); aws-chunked framing adds a little.
# Objects stream to disk, so only this bound applies to them; the service answers EntityTooLarge.
STREAMED_LIMIT = BodyLimit(5 * 1024**3 + 64 * 1_048_576, "PutObject")
# Every other body (XML documents: DeleteObjects of 1,000 keys, CompleteMultipartUpload of 10,000
# parts, policies, configurations) is read into memory, so it is held to far less.
DOCUMENT_LIMIT = BodyLimit(32 * 1_048_576, "S3 request")
#: sub-resources that make a PUT something other than an object or part upload
_DOCUMENT_QUERIES = frozenset(
    {"acl", "cors", "encryption", "lifecycle", "notification", "ownershipControls", "policy"}
    | {"publicAccessBlock", "tagging", "versioning", "website", "logging", "replication", "retention"}
)


class S3Provider:
    def __init__(self, service: S3Service, notifier: Notifier) -> None:
        self._clock = service.clock
        self._table: dict[str, Operation] = {
            **BucketOperations(service).table(),
            **BucketSettingsOperations(service).table(),
            **ListingOperations(service).table(),
            **ObjectOperations(service).table(),
            **MultipartOperations(MultipartUploads(service)).table(),
            **NotificationOperations(service, notifier).table(),
        }

    def operations(self) -> frozenset[str]:
        return frozenset(self._table)

    def body_limit(self, request: HttpRequest) -> BodyLimit:
        if request.method == "PUT" and not _DOCUMENT_QUERIES.intersection(name for name, _ in request.query_items()):
            return STREAMED_LIMIT
        return DOCUMENT_LIMIT

    async def call(self, call: Call) -> Reply:
        # a presigned URL past its expiry is refused whatever it asks (judged on the service clock)
        check_expiry(call.request, self._clock.now())
        return await self._table[call.operation](call)


__all__ = ["S3Provider"]
