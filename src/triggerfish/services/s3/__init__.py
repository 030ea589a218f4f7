"""S3: buckets, objects and their versions, multipart uploads, and event notifications (spec §3).

:class:`S3Service` is the service; every object version is created through
``S3Service.commit`` so versioning and notifications hold for all of them. Object contents live
in a :class:`~triggerfish.services.s3.blobs.BlobStore` on disk, described by documents. The
package imports the service on first use, so ``models`` and ``errors`` load without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from triggerfish.services.s3.models import Bucket, ObjectChange, RequestInfo, StoredObject, Versioning

if TYPE_CHECKING:
    from triggerfish.services.s3.blobs import BlobStore
    from triggerfish.services.s3.service import S3Service

__all__ = ["BlobStore", "Bucket", "ObjectChange", "RequestInfo", "S3Service", "StoredObject", "Versioning"]


def __getattr__(name: str) -> Any:
    if name == "S3Service":
        from triggerfish.services.s3.service import S3Service

        return S3Service
    if name == "BlobStore":
        from triggerfish.services.s3.blobs import BlobStore

        return BlobStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
