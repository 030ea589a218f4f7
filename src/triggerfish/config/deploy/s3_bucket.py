"""``AWS::S3::Bucket`` and ``AWS::S3::BucketPolicy``.

A bucket's ``Ref`` is its name; ``GetAtt`` gives ``Arn``, ``DomainName``, ``RegionalDomainName``,
``DualStackDomainName`` and ``WebsiteURL``. Its ``VersioningConfiguration``, ``Tags``,
``CorsConfiguration`` and ``NotificationConfiguration`` are applied as the S3 API would apply them:
a notification configuration is validated (destinations must exist) and sends ``s3:TestEvent`` to its
queues and topics.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from triggerfish.config.deploy.resources import DeployContext, PhysicalResource, generated_name, require
from triggerfish.config.errors import TemplateError
from triggerfish.core.errors import TriggerfishError
from triggerfish.core.ids import request_id
from triggerfish.services.s3.errors import BucketNotEmpty, NoSuchBucket
from triggerfish.services.s3.models import Bucket, Versioning
from triggerfish.services.s3.notifications import Notifier, normalise, probed_destinations
from triggerfish.services.s3.service import S3Service

#: a template's notification lists -> the API's, with the member naming each target
_NOTIFICATIONS = (
    ("LambdaConfigurations", "Function", "LambdaFunctionConfigurations", "LambdaFunctionArn"),
    ("QueueConfigurations", "Queue", "QueueConfigurations", "QueueArn"),
    ("TopicConfigurations", "Topic", "TopicConfigurations", "TopicArn"),
)
#: a template's CORS rule members -> the API's
_CORS = {
    "AllowedHeaders": "AllowedHeaders",
    "AllowedMethods": "AllowedMethods",
    "AllowedOrigins": "AllowedOrigins",
    "ExposedHeaders": "ExposeHeaders",
    "Id": "ID",
    "MaxAge": "MaxAgeSeconds",
}


def _services(context: DeployContext) -> tuple[S3Service, Notifier]:
    s3, notifier = context.services.s3, context.services.s3_notifier
    if s3 is None or notifier is None:
        raise TemplateError("S3 is not available in this cloud")
    return s3, notifier


def notification_request(properties: Mapping[str, Any]) -> dict[str, Any]:
    """A template's ``NotificationConfiguration`` in PutBucketNotificationConfiguration's shape."""
    given = properties.get("NotificationConfiguration") or {}
    wanted: dict[str, Any] = {}
    for template_key, target_key, api_key, arn_key in _NOTIFICATIONS:
        entries = []
        for entry in given.get(template_key) or []:
            converted: dict[str, Any] = {arn_key: str(entry.get(target_key, "")), "Events": [str(entry.get("Event"))]}
            rules = ((entry.get("Filter") or {}).get("S3Key") or {}).get("Rules")
            if rules:
                converted["Filter"] = {"Key": {"FilterRules": [dict(rule) for rule in rules]}}
            if entry.get("Id"):
                converted["Id"] = str(entry["Id"])
            entries.append(converted)
        if entries:
            wanted[api_key] = entries
    if (given.get("EventBridgeConfiguration") or {}).get("EventBridgeEnabled") in (True, "true"):
        wanted["EventBridgeConfiguration"] = {}
    return wanted


def _cors(properties: Mapping[str, Any]) -> dict[str, Any] | None:
    rules = (properties.get("CorsConfiguration") or {}).get("CorsRules")
    if not rules:
        return None
    return {"CORSRules": [{_CORS[key]: value for key, value in rule.items() if key in _CORS} for rule in rules]}


def _bucket_name(context: DeployContext, logical_id: str, properties: Mapping[str, Any]) -> str:
    given = properties.get("BucketName")
    if given:
        return str(given)
    # CloudFormation makes up a lower-case name within S3's 63 characters
    return generated_name(context.stack_name, logical_id, limit=63).lower()


class BucketHandler:
    async def create(self, context: DeployContext, logical_id: str, properties: Mapping[str, Any]) -> PhysicalResource:
        s3, _ = _services(context)
        name = _bucket_name(context, logical_id, properties)
        bucket = s3.buckets.find(name) or await s3.buckets.create(
            name, scope=context.scope, region=context.scope.region
        )
        await self._configure(context, bucket, properties)
        return _physical(name, context)

    async def update(
        self,
        context: DeployContext,
        logical_id: str,
        properties: Mapping[str, Any],
        previous: PhysicalResource,
        previous_properties: Mapping[str, Any],
    ) -> PhysicalResource:
        if properties.get("BucketName") != previous_properties.get("BucketName"):
            return await self.create(context, logical_id, properties)
        s3, _ = _services(context)
        bucket = s3.buckets.find(previous.physical_id)
        if bucket is None:
            return await self.create(context, logical_id, properties)
        await self._configure(context, bucket, properties)
        return previous

    async def delete(self, context: DeployContext, resource: PhysicalResource, properties: Mapping[str, Any]) -> None:
        s3, _ = _services(context)
        try:
            await s3.delete_bucket(resource.physical_id)
        except NoSuchBucket:
            return
        except BucketNotEmpty:
            # CloudFormation cannot delete a bucket that holds objects either; here it stays, with its objects
            context.warnings.append(f"bucket {resource.physical_id} still holds objects, so it was kept")

    async def _configure(self, context: DeployContext, bucket: Bucket, properties: Mapping[str, Any]) -> None:
        s3, notifier = _services(context)
        status = (properties.get("VersioningConfiguration") or {}).get("Status")
        if status is not None:
            try:
                bucket = await s3.set_versioning(bucket.name, Versioning(str(status)))
            except ValueError:
                raise TemplateError(
                    f"VersioningConfiguration Status must be Enabled or Suspended, not {status}"
                ) from None
        tags = {str(tag["Key"]): str(tag["Value"]) for tag in properties.get("Tags") or []}
        try:
            notification = normalise(notification_request(properties), exists=notifier.deliveries.exists)
        except TriggerfishError as exc:
            raise TemplateError(f"NotificationConfiguration: {exc.message}") from None
        await s3.buckets.update(replace(bucket, tags=tags, cors=_cors(properties), notification=notification))
        if notification is not None:
            stored = s3.buckets.get(bucket.name)
            await notifier.send_test_events(
                stored, probed_destinations(notification), request_id=request_id(), time=s3.clock.now()
            )


def _physical(name: str, context: DeployContext) -> PhysicalResource:
    region = context.scope.region
    return PhysicalResource(
        name,
        {
            "Arn": f"arn:aws:s3:::{name}",
            "DomainName": f"{name}.s3.amazonaws.com",
            "RegionalDomainName": f"{name}.s3.{region}.amazonaws.com",
            "DualStackDomainName": f"{name}.s3.dualstack.{region}.amazonaws.com",
            "WebsiteURL": f"http://{name}.s3-website-{region}.amazonaws.com",
        },
    )


class BucketPolicyHandler:
    async def create(self, context: DeployContext, logical_id: str, properties: Mapping[str, Any]) -> PhysicalResource:
        s3, _ = _services(context)
        name = str(require(properties, "Bucket"))
        document = require(properties, "PolicyDocument", dict)
        bucket = s3.buckets.find(name)
        if bucket is None:
            raise TemplateError(f"The bucket {name} of the policy does not exist")
        await s3.buckets.update(replace(bucket, policy=json.dumps(document)))
        return PhysicalResource(name)

    async def update(
        self,
        context: DeployContext,
        logical_id: str,
        properties: Mapping[str, Any],
        previous: PhysicalResource,
        previous_properties: Mapping[str, Any],
    ) -> PhysicalResource:
        return await self.create(context, logical_id, properties)

    async def delete(self, context: DeployContext, resource: PhysicalResource, properties: Mapping[str, Any]) -> None:
        s3, _ = _services(context)
        bucket = s3.buckets.find(resource.physical_id)
        if bucket is not None:
            await s3.buckets.update(replace(bucket, policy=None))
