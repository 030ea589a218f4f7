"""S3's errors: each carries S3's code, HTTP status and message (S3 API reference, "Error responses").

S3 error bodies name what they are about (``BucketName``, ``Key``, ``Condition``...): those go in
``fields``. Other modules may add error classes at the end of this file, one small block each.
"""

from __future__ import annotations

from triggerfish.core.errors import ClientError, TriggerfishError


class S3Error(ClientError):
    """Root of S3's client errors."""


class NoSuchBucket(S3Error):
    code = "NoSuchBucket"
    status = 404

    def __init__(self, bucket: str) -> None:
        super().__init__("The specified bucket does not exist", fields={"BucketName": bucket})


class NoSuchKey(S3Error):
    code = "NoSuchKey"
    status = 404

    def __init__(self, key: str) -> None:
        super().__init__("The specified key does not exist.", fields={"Key": key})


class NoSuchVersion(S3Error):
    code = "NoSuchVersion"
    status = 404

    def __init__(self, key: str, version_id: str) -> None:
        super().__init__("The specified version does not exist.", fields={"Key": key, "VersionId": version_id})


class NoSuchUpload(S3Error):
    code = "NoSuchUpload"
    status = 404

    def __init__(self, upload_id: str) -> None:
        message = (
            "The specified upload does not exist. The upload ID may be invalid, "
            "or the upload may have been aborted or completed."
        )
        super().__init__(message, fields={"UploadId": upload_id})


class NoSuchTagSet(S3Error):
    code = "NoSuchTagSet"
    status = 404

    def __init__(self, bucket: str) -> None:
        super().__init__("The TagSet does not exist", fields={"BucketName": bucket})


class NoSuchCORSConfiguration(S3Error):
    code = "NoSuchCORSConfiguration"
    status = 404

    def __init__(self, bucket: str) -> None:
        super().__init__("The CORS configuration does not exist", fields={"BucketName": bucket})


class NoSuchBucketPolicy(S3Error):
    code = "NoSuchBucketPolicy"
    status = 404

    def __init__(self, bucket: str) -> None:
        super().__init__("The bucket policy does not exist", fields={"BucketName": bucket})


class BucketAlreadyOwnedByYou(S3Error):
    code = "BucketAlreadyOwnedByYou"
    status = 409

    def __init__(self, bucket: str) -> None:
        message = "Your previous request to create the named bucket succeeded and you already own it."
        super().__init__(message, fields={"BucketName": bucket})


class BucketNotEmpty(S3Error):
    code = "BucketNotEmpty"
    status = 409

    def __init__(self, bucket: str) -> None:
        super().__init__("The bucket you tried to delete is not empty", fields={"BucketName": bucket})


class InvalidBucketName(S3Error):
    code = "InvalidBucketName"

    def __init__(self, bucket: str) -> None:
        super().__init__("The specified bucket is not valid.", fields={"BucketName": bucket})


class IllegalLocationConstraint(S3Error):
    code = "IllegalLocationConstraintException"

    def __init__(self, message: str) -> None:
        super().__init__(message)


class InvalidLocationConstraint(S3Error):
    code = "InvalidLocationConstraint"

    def __init__(self, location: str) -> None:
        super().__init__("The specified location-constraint is not valid", fields={"LocationConstraint": location})


class InvalidArgument(S3Error):
    code = "InvalidArgument"

    def __init__(self, message: str, name: str | None = None, value: str | None = None) -> None:
        super().__init__(message, fields={"ArgumentName": name, "ArgumentValue": value})


class InvalidRequest(S3Error):
    code = "InvalidRequest"

    def __init__(self, message: str) -> None:
        super().__init__(message)


class MalformedXML(S3Error):
    code = "MalformedXML"

    def __init__(self) -> None:
        super().__init__("The XML you provided was not well-formed or did not validate against our published schema")


class IllegalVersioningConfiguration(S3Error):
    code = "IllegalVersioningConfigurationException"

    def __init__(self, message: str) -> None:
        super().__init__(message)


class InvalidDigest(S3Error):
    code = "InvalidDigest"

    def __init__(self, content_md5: str) -> None:
        super().__init__("The Content-MD5 you specified is not valid.", fields={"Content-MD5": content_md5})


class BadDigest(S3Error):
    code = "BadDigest"

    def __init__(self, message: str, **fields: str) -> None:
        super().__init__(message, fields=fields)

    @classmethod
    def content_md5(cls, expected: str, calculated: str) -> BadDigest:
        return cls(
            "The Content-MD5 you specified did not match what we received.",
            ExpectedDigest=expected,
            CalculatedDigest=calculated,
        )

    @classmethod
    def checksum(cls, algorithm: str) -> BadDigest:
        return cls(f"The {algorithm} you specified did not match the calculated checksum.")


class XAmzContentSHA256Mismatch(S3Error):
    code = "XAmzContentSHA256Mismatch"

    def __init__(self, client: str, computed: str) -> None:
        super().__init__(
            "The provided 'x-amz-content-sha256' header does not match what was computed.",
            fields={"ClientComputedContentSHA256": client, "S3ComputedContentSHA256": computed},
        )


class EntityTooLarge(S3Error):
    code = "EntityTooLarge"

    def __init__(self, proposed: int, allowed: int) -> None:
        super().__init__(
            "Your proposed upload exceeds the maximum allowed size",
            fields={"ProposedSize": proposed, "MaxSizeAllowed": allowed},
        )


class EntityTooSmall(S3Error):
    code = "EntityTooSmall"

    def __init__(self, proposed: int, minimum: int) -> None:
        super().__init__(
            "Your proposed upload is smaller than the minimum allowed object size.",
            fields={"ProposedSize": proposed, "MinSizeAllowed": minimum},
        )


class MetadataTooLarge(S3Error):
    code = "MetadataTooLarge"

    def __init__(self, size: int, allowed: int) -> None:
        super().__init__(
            "Your metadata headers exceed the maximum allowed metadata size.",
            fields={"Size": size, "MaxSizeAllowed": allowed},
        )


class KeyTooLong(S3Error):
    code = "KeyTooLongError"

    def __init__(self, size: int, allowed: int) -> None:
        super().__init__("Your key is too long", fields={"Size": size, "MaxSizeAllowed": allowed})


class InvalidTag(S3Error):
    code = "InvalidTag"

    def __init__(self, message: str, key: str | None = None, value: str | None = None) -> None:
        super().__init__(message, fields={"TagKey": key, "TagValue": value})


class InvalidStorageClass(S3Error):
    code = "InvalidStorageClass"

    def __init__(self, storage_class: str) -> None:
        super().__init__(
            "The storage class you specified is not valid", fields={"StorageClassRequested": storage_class}
        )


class InvalidRange(S3Error):
    code = "InvalidRange"
    status = 416

    def __init__(self, requested: str, size: int) -> None:
        super().__init__(
            "The requested range is not satisfiable", fields={"RangeRequested": requested, "ActualObjectSize": size}
        )


class PreconditionFailed(S3Error):
    code = "PreconditionFailed"
    status = 412

    def __init__(self, condition: str) -> None:
        super().__init__(
            "At least one of the pre-conditions you specified did not hold", fields={"Condition": condition}
        )


class NotModified(S3Error):
    """A 304: a read's If-None-Match or If-Modified-Since held; carries what the answer's headers tell."""

    code = "NotModified"
    status = 304

    def __init__(self, etag: str | None = None, last_modified: float | None = None) -> None:
        super().__init__("Not Modified")
        self.etag = etag
        self.last_modified = last_modified


class MethodNotAllowed(S3Error):
    code = "MethodNotAllowed"
    status = 405

    def __init__(self, method: str, resource_type: str = "DeleteMarker") -> None:
        super().__init__(
            "The specified method is not allowed against this resource.",
            fields={"Method": method, "ResourceType": resource_type},
        )


class AccessDenied(S3Error):
    code = "AccessDenied"
    status = 403

    def __init__(self, message: str = "Access Denied", **fields: str) -> None:
        super().__init__(message, fields=fields)


class InvalidPart(S3Error):
    code = "InvalidPart"

    def __init__(self, upload_id: str, part_number: int, etag: str | None = None) -> None:
        message = (
            "One or more of the specified parts could not be found.  The part may not have been uploaded, "
            "or the specified entity tag may not match the part's entity tag."
        )
        super().__init__(message, fields={"UploadId": upload_id, "PartNumber": part_number, "ETag": etag})


class InvalidPartOrder(S3Error):
    code = "InvalidPartOrder"

    def __init__(self, upload_id: str) -> None:
        super().__init__(
            "The list of parts was not in ascending order. Parts must be ordered by part number.",
            fields={"UploadId": upload_id},
        )


class NotImplementedFeature(TriggerfishError):
    code = "NotImplemented"
    status = 501

    def __init__(self, header: str) -> None:
        super().__init__(
            "A header you provided implies functionality that is not implemented", fields={"Header": header}
        )


class BucketAlreadyExists(S3Error):
    code = "BucketAlreadyExists"
    status = 409

    def __init__(self, bucket: str) -> None:
        message = (
            "The requested bucket name is not available. The bucket namespace is shared by all users of the "
            "system. Please select a different name and try again."
        )
        super().__init__(message, fields={"BucketName": bucket})


# --- bucket settings (tagging, CORS, policy, public access block) ---


class MalformedPolicy(S3Error):
    code = "MalformedPolicy"

    def __init__(self, message: str) -> None:
        super().__init__(message)


class NoSuchPublicAccessBlockConfiguration(S3Error):
    code = "NoSuchPublicAccessBlockConfiguration"
    status = 404

    def __init__(self, bucket: str) -> None:
        super().__init__("The public access block configuration was not found", fields={"BucketName": bucket})
