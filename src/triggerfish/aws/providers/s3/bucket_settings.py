"""Bucket setting operations: tagging, CORS, policy and public access block, plus the fixed answers
an unconfigured bucket gives for its ACL, default encryption and object ownership."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from triggerfish.aws.providers.base import Call, Reply
from triggerfish.services.s3.bucket_policy import is_public
from triggerfish.services.s3.bucket_settings import BucketSettings, owner, tag_set
from triggerfish.services.s3.errors import MalformedPolicy, MalformedXML
from triggerfish.services.s3.service import S3Service

Operation = Callable[[Call], Awaitable[Reply]]


class BucketSettingsOperations:
    def __init__(self, service: S3Service) -> None:
        self._buckets = service.buckets
        self._settings = BucketSettings(service.buckets, service.documents, service.clock)

    def table(self) -> dict[str, Operation]:
        return {
            "GetBucketTagging": self.get_tagging,
            "PutBucketTagging": self.put_tagging,
            "DeleteBucketTagging": self.delete_tagging,
            "GetBucketCors": self.get_cors,
            "PutBucketCors": self.put_cors,
            "DeleteBucketCors": self.delete_cors,
            "GetBucketPolicy": self.get_policy,
            "PutBucketPolicy": self.put_policy,
            "DeleteBucketPolicy": self.delete_policy,
            "GetBucketPolicyStatus": self.get_policy_status,
            "GetPublicAccessBlock": self.get_public_access_block,
            "PutPublicAccessBlock": self.put_public_access_block,
            "DeletePublicAccessBlock": self.delete_public_access_block,
            "GetBucketAcl": self.get_acl,
            "GetBucketEncryption": self.get_encryption,
            "GetBucketOwnershipControls": self.get_ownership_controls,
        }

    async def get_tagging(self, call: Call) -> Reply:
        return Reply({"TagSet": tag_set(self._settings.tags(call.params["Bucket"]))})

    async def put_tagging(self, call: Call) -> Reply:
        tagging = call.params.get("Tagging") or {}
        if "TagSet" not in tagging:
            raise MalformedXML()
        await self._settings.put_tags(call.params["Bucket"], tagging["TagSet"])
        return Reply()

    async def delete_tagging(self, call: Call) -> Reply:
        await self._settings.delete_tags(call.params["Bucket"])
        return Reply()

    async def get_cors(self, call: Call) -> Reply:
        return Reply(self._settings.cors(call.params["Bucket"]))

    async def put_cors(self, call: Call) -> Reply:
        await self._settings.put_cors(call.params["Bucket"], call.params.get("CORSConfiguration") or {})
        return Reply()

    async def delete_cors(self, call: Call) -> Reply:
        await self._settings.delete_cors(call.params["Bucket"])
        return Reply()

    async def get_policy(self, call: Call) -> Reply:
        return Reply({"Policy": self._settings.policy(call.params["Bucket"])})

    async def put_policy(self, call: Call) -> Reply:
        policy = call.params.get("Policy")
        if not isinstance(policy, str):
            raise MalformedPolicy("Policies must be valid JSON and the first byte must be '{'")
        await self._settings.put_policy(call.params["Bucket"], policy)
        return Reply()

    async def delete_policy(self, call: Call) -> Reply:
        await self._settings.delete_policy(call.params["Bucket"])
        return Reply()

    async def get_policy_status(self, call: Call) -> Reply:
        policy = self._settings.policy(call.params["Bucket"])
        return Reply({"PolicyStatus": {"IsPublic": is_public(policy)}})

    async def get_public_access_block(self, call: Call) -> Reply:
        block = await self._settings.public_access_block(call.params["Bucket"])
        return Reply({"PublicAccessBlockConfiguration": block})

    async def put_public_access_block(self, call: Call) -> Reply:
        configuration = call.params.get("PublicAccessBlockConfiguration") or {}
        await self._settings.put_public_access_block(call.params["Bucket"], configuration)
        return Reply()

    async def delete_public_access_block(self, call: Call) -> Reply:
        await self._settings.delete_public_access_block(call.params["Bucket"])
        return Reply()

    async def get_acl(self, call: Call) -> Reply:
        # the owner alone, with full control: S3's private ACL, the only one BucketOwnerEnforced allows
        bucket = self._buckets.get(call.params["Bucket"])
        account_owner = owner(bucket.account)
        grantee = {**account_owner, "Type": "CanonicalUser"}
        return Reply({"Owner": account_owner, "Grants": [{"Grantee": grantee, "Permission": "FULL_CONTROL"}]})

    async def get_encryption(self, call: Call) -> Reply:
        self._buckets.get(call.params["Bucket"])
        # every bucket encrypts new objects with SSE-S3 by default (S3, since January 2023)
        rule = {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": False}
        return Reply({"ServerSideEncryptionConfiguration": {"Rules": [rule]}})

    async def get_ownership_controls(self, call: Call) -> Reply:
        self._buckets.get(call.params["Bucket"])
        # new buckets disable ACLs: the bucket owner owns every object (S3, since April 2023)
        return Reply({"OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}})
