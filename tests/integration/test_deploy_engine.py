"""Deploying CloudFormation templates into the services: order, references, updates, deletions, errors."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from triggerfish.cloud import Cloud
from triggerfish.config.errors import TemplateError
from triggerfish.core.errors import ResourceNotFound
from triggerfish.services.lambda_.service import Scope

HANDLER = "def handler(event, context):\n    return {'from': context.function_name, 'event': event}\n"


def _app(tmp_path: Path, template: str, name: str = "app") -> Path:
    folder = tmp_path / name
    (folder / "src").mkdir(parents=True)
    (folder / "src" / "app.py").write_text(HANDLER)
    (folder / "template.yaml").write_text(template)
    return folder


TWO_FUNCTIONS = """
Parameters:
  Stage: {Type: String, Default: dev, AllowedValues: [dev, prod]}
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
Mappings:
  Sizes:
    dev: {Memory: 256}
    prod: {Memory: 1024}
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Version: "2012-10-17", Statement: []}
  Queue:
    Type: AWS::SQS::Queue
  Stream:
    Type: AWS::Kinesis::Stream
    Properties: {ShardCount: 1}
  Cache:
    Type: AWS::ElastiCache::CacheCluster
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: !Sub "${AWS::StackName}-worker"
      Handler: app.handler
      Runtime: python3.11
      Code: ./src
      Role: !GetAtt Role.Arn
      MemorySize: !FindInMap [Sizes, !Ref Stage, Memory]
      Environment:
        Variables:
          QUEUE_ARN: !GetAtt Queue.Arn
          QUEUE_URL: !Ref Queue
          STREAM_ARN: !GetAtt Stream.Arn
          STAGE: !Ref Stage
          PROD: !If [IsProd, "yes", !Ref AWS::NoValue]
  Front:
    Type: AWS::Lambda::Function
    Properties:
      Handler: app.handler
      Runtime: python3.11
      Code: src
      Role: !GetAtt Role.Arn
      Environment:
        Variables:
          WORKER: !Ref Worker
  FrontAsync:
    Type: AWS::Lambda::EventInvokeConfig
    Properties:
      FunctionName: !Ref Front
      Qualifier: $LATEST
      MaximumRetryAttempts: 0
      DestinationConfig:
        OnFailure: {Destination: !GetAtt Worker.Arn}
Outputs:
  WorkerArn:
    Value: !GetAtt Worker.Arn
  FrontName:
    Value: !Ref Front
"""


def test_deploy_creates_in_dependency_order_with_real_names_and_arns(cloud: Cloud, tmp_path: Path) -> None:
    report = cloud.deploy(_app(tmp_path, TWO_FUNCTIONS, "alpha"))
    assert report.stack_name == "alpha"
    assert report.created.index("Role") < report.created.index("Worker") < report.created.index("Front")
    worker = cloud.get_function("alpha-worker")
    assert worker.memory_size == 256
    assert worker.role.startswith("arn:aws:iam::000000000000:role/alpha-Role-")
    assert worker.environment["STAGE"] == "dev"
    assert "PROD" not in worker.environment  # AWS::NoValue removes the key
    assert worker.environment["QUEUE_ARN"].startswith("arn:aws:sqs:us-east-1:000000000000:alpha-Queue-")
    queue_name = worker.environment["QUEUE_ARN"].rsplit(":", 1)[1]
    assert worker.environment["QUEUE_URL"].endswith(f"/000000000000/{queue_name}")
    assert worker.environment["STREAM_ARN"].startswith("arn:aws:kinesis:us-east-1:000000000000:")
    front_name = report.outputs["FrontName"]
    assert front_name.startswith("alpha-Front-") and len(front_name) <= 64
    front = cloud.get_function(front_name)
    assert front.environment["WORKER"] == "alpha-worker"
    assert front.event_invoke_config is not None
    assert front.event_invoke_config.on_failure == worker.arn
    assert report.outputs["WorkerArn"] == worker.arn
    assert report.warnings == ("Resources Cache: AWS::ElastiCache::CacheCluster is not supported yet; skipped",)
    result = cloud.invoke(front_name, {"ping": 1})
    assert json.loads(result.payload) == {"from": front_name, "event": {"ping": 1}}


def test_redeploy_updates_changed_deletes_removed_and_keeps_the_rest(cloud: Cloud, tmp_path: Path) -> None:
    folder = _app(tmp_path, TWO_FUNCTIONS, "beta")
    first = cloud.deploy(folder)
    front_name = first.outputs["FrontName"]

    again = cloud.deploy(folder)
    assert not again.changed
    assert set(again.unchanged) == set(first.created)
    assert again.outputs["FrontName"] == front_name  # the generated name is stable

    changed = TWO_FUNCTIONS.replace("dev: {Memory: 256}", "dev: {Memory: 512}")
    changed = changed[: changed.index("  Front:\n")] + "Outputs:\n  WorkerArn:\n    Value: !GetAtt Worker.Arn\n"
    (folder / "template.yaml").write_text(changed)
    third = cloud.deploy(folder)
    assert third.updated == ("Worker",)
    assert set(third.deleted) == {"FrontAsync", "Front"}
    assert third.deleted.index("FrontAsync") < third.deleted.index("Front")  # reverse order
    assert cloud.get_function("beta-worker").memory_size == 512
    with pytest.raises(ResourceNotFound):
        cloud.get_function(front_name)


def test_parameters_and_conditions_from_overrides(cloud: Cloud, tmp_path: Path) -> None:
    cloud.deploy(_app(tmp_path, TWO_FUNCTIONS, "gamma"), parameters={"Stage": "prod"})
    worker = cloud.get_function("gamma-worker")
    assert worker.memory_size == 1024
    assert worker.environment["PROD"] == "yes"


def test_a_service_error_names_the_file_and_resource(cloud: Cloud, tmp_path: Path) -> None:
    bad = TWO_FUNCTIONS.replace("      Code: src\n", "      Code: src\n      Timeout: 901\n")
    folder = _app(tmp_path, bad, "delta")
    with pytest.raises(TemplateError) as caught:
        cloud.deploy(folder)
    message = caught.value.message
    assert message.startswith("template.yaml: Resources.Front: ValidationException: ")
    assert "901" in message
    # what was created before the failure is recorded, so the next deployment updates it
    folder.joinpath("template.yaml").write_text(TWO_FUNCTIONS)
    report = cloud.deploy(folder)
    assert "Worker" in report.unchanged and "Front" in report.created


def test_inline_and_zipped_code(cloud: Cloud, tmp_path: Path) -> None:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as package:
        package.writestr("zipped.py", "def handler(event, context):\n    return 'from the zip'\n")
    folder = tmp_path / "epsilon"
    folder.mkdir()
    (folder / "build.zip").write_bytes(archive.getvalue())
    (folder / "template.json").write_text(
        json.dumps(
            {
                "Resources": {
                    "Inline": {
                        "Type": "AWS::Lambda::Function",
                        "Properties": {
                            "FunctionName": "epsilon-inline",
                            "Handler": "index.handler",
                            "Code": {"ZipFile": "def handler(event, context):\n    return 'inline'\n"},
                        },
                    },
                    "Zipped": {
                        "Type": "AWS::Lambda::Function",
                        "Properties": {
                            "FunctionName": "epsilon-zipped",
                            "Handler": "zipped.handler",
                            "Code": "build.zip",
                        },
                    },
                }
            }
        )
    )
    cloud.deploy(folder / "template.json")
    assert json.loads(cloud.invoke("epsilon-inline", {}).payload) == "inline"
    assert json.loads(cloud.invoke("epsilon-zipped", {}).payload) == "from the zip"


def test_non_python_runtime_is_a_clear_error(cloud: Cloud, tmp_path: Path) -> None:
    template = TWO_FUNCTIONS.replace("Runtime: python3.11\n      Code: ./src", "Runtime: nodejs20.x\n      Code: ./src")
    with pytest.raises(TemplateError, match=r"Resources.Worker: runtime nodejs20.x is not supported"):
        cloud.deploy(_app(tmp_path, template, "zeta"))


def test_unknown_get_att_attribute(cloud: Cloud, tmp_path: Path) -> None:
    template = TWO_FUNCTIONS.replace("WORKER: !Ref Worker", "WORKER: !GetAtt Worker.Nope")
    with pytest.raises(TemplateError, match=r"Resources.Front\b.*Worker does not support attribute type Nope"):
        cloud.deploy(_app(tmp_path, template, "eta"))


FUNCTION_URL = """
Resources:
  Hello:
    Type: AWS::Lambda::Function
    Properties:
      Handler: app.handler
      Runtime: python3.11
      Code: src
      Role: arn:aws:iam::000000000000:role/r
  HelloUrl:
    Type: AWS::Lambda::Url
    Properties:
      TargetFunctionArn: !GetAtt Hello.Arn
      AuthType: {auth}
      Cors:
        AllowOrigins: ["https://example.com"]
        MaxAge: 60
Outputs:
  Url:
    Value: !GetAtt HelloUrl.FunctionUrl
"""


def test_function_urls_are_created_updated_and_deleted(cloud: Cloud, tmp_path: Path) -> None:
    folder = _app(tmp_path, FUNCTION_URL.replace("{auth}", "NONE"), "urls")
    report = cloud.deploy(folder)
    url = report.outputs["Url"]
    assert ".lambda-url.us-east-1.localhost" in url
    name = next(f.name for f in cloud.app.lambda_.list_functions() if f.name.startswith("urls-Hello-"))
    (config,) = cloud.app.lambda_.urls.list(name, scope=Scope())
    assert config.auth_type == "NONE"
    assert config.cors is not None and config.cors.allow_origins == ("https://example.com",)
    (folder / "template.yaml").write_text(FUNCTION_URL.replace("{auth}", "AWS_IAM"))
    again = cloud.deploy(folder)
    assert again.outputs["Url"] == url  # updated in place: same URL
    (config,) = cloud.app.lambda_.urls.list(name, scope=Scope())
    assert config.auth_type == "AWS_IAM"
    (folder / "template.yaml").write_text(FUNCTION_URL.split("  HelloUrl:")[0])
    cloud.deploy(folder)
    assert cloud.app.lambda_.urls.list(name, scope=Scope()) == []
