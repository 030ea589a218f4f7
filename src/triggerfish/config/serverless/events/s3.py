"""``s3`` events: the bucket is created here (``S3Bucket<Name>``) with a notification per event.

Follows the Serverless Framework v3 (``package/compile/events/s3/index.js``): all events naming one bucket
share one ``AWS::S3::Bucket`` whose ``NotificationConfiguration.LambdaConfigurations`` lists them (default
event ``s3:ObjectCreated:*``, ``rules`` as ``S3Key`` filter rules); each function gets an
``AWS::Lambda::Permission`` (``<Function>LambdaPermission<Bucket>S3``) the bucket waits for. A bucket named
under ``provider.s3`` takes that entry's name and properties. ``existing: true`` buckets are configured by a
custom resource in the framework; that is not supported and such events are skipped with a warning.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from triggerfish.config.serverless import naming
from triggerfish.config.serverless.events.context import FunctionEvent

DEFAULT_EVENT = "s3:ObjectCreated:*"
#: S3's bucket naming rule: 3-63 characters, lower-case letters, digits, '.' and '-', no '..'
BUCKET_NAME = re.compile(r"^(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


def compile_s3(event: FunctionEvent, value: Any) -> None:
    settings = event.settings(value, shorthand="bucket")
    if settings.get("existing"):
        event.warn("'s3' events on existing buckets are not supported yet; skipped")
        return
    bucket_ref = settings.get("bucket")
    if isinstance(bucket_ref, Mapping):
        raise event.error(
            'When specifying "s3.bucket" with CloudFormation intrinsic function, you need to specify that the '
            'bucket is existing via "existing: true" property.',
            "bucket",
        )
    if not isinstance(bucket_ref, str) or not bucket_ref:
        raise event.error("missing 'bucket' (the bucket's name)", "bucket")
    provider_buckets = event.stack.provider.get("s3")
    bucket_settings = provider_buckets.get(bucket_ref) if isinstance(provider_buckets, Mapping) else None
    bucket_name = bucket_ref
    if isinstance(bucket_settings, Mapping):
        bucket_name = str(bucket_settings.get("name") or bucket_ref)
    if not BUCKET_NAME.match(bucket_name):
        where = f" (its name comes from provider.s3.{bucket_ref})" if bucket_settings is not None else ""
        rule = '3 to 63 lower-case letters, digits, "." and "-", starting and ending with a letter or digit'
        raise event.error(f'"{bucket_name}" is not a valid bucket name{where}: {rule}', "bucket")
    configuration: dict[str, Any] = {"Event": settings.get("event") or DEFAULT_EVENT, "Function": event.target}
    if settings.get("rules"):
        configuration["Filter"] = {"S3Key": {"Rules": _rules(settings["rules"], event)}}
    permission_id = naming.s3_permission_logical_id(event.function_key, bucket_ref)
    bucket_id = naming.bucket_logical_id(bucket_ref)
    bucket = event.stack.resources.get(bucket_id)
    if bucket is None:
        bucket = _bucket(bucket_name, bucket_settings)
        event.stack.add(bucket_id, bucket)
    bucket["Properties"]["NotificationConfiguration"].setdefault("LambdaConfigurations", []).append(configuration)
    if permission_id not in bucket["DependsOn"]:
        bucket["DependsOn"].append(permission_id)
    event.stack.add(
        permission_id,
        {
            "Type": "AWS::Lambda::Permission",
            "Properties": {
                "FunctionName": event.target,
                "Action": "lambda:InvokeFunction",
                "Principal": "s3.amazonaws.com",
                "SourceArn": {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, f":s3:::{bucket_name}"]]},
                "SourceAccount": {"Ref": "AWS::AccountId"},
            },
        },
    )


def _bucket(bucket_name: str, bucket_settings: Mapping[str, Any] | None) -> dict[str, Any]:
    extra = {naming.upper_first(str(key)): value for key, value in (bucket_settings or {}).items() if key != "name"}
    given = extra.pop("NotificationConfiguration", None)
    notification: dict[str, Any] = {"LambdaConfigurations": []}
    if isinstance(given, Mapping):
        notification.update(given)
    properties = {"BucketName": bucket_name, "NotificationConfiguration": notification, **extra}
    return {"Type": "AWS::S3::Bucket", "Properties": properties, "DependsOn": []}


def _rules(rules: Any, event: FunctionEvent) -> list[dict[str, Any]]:
    """``[{prefix: uploads/}, {suffix: .jpg}]`` -> S3 filter rules (each rule object holds one key)."""
    if not isinstance(rules, list) or not all(isinstance(rule, Mapping) and len(rule) == 1 for rule in rules):
        raise event.error("must be a list of {prefix: ...} or {suffix: ...} objects", "rules")
    return [{"Name": name, "Value": value} for rule in rules for name, value in rule.items()]
