"""``resources``: several files merged in order, then deep-merged over the generated template."""

from __future__ import annotations

from pathlib import Path

import pytest

from triggerfish.config.errors import TemplateError
from triggerfish.config.model import AppDefinition
from triggerfish.config.serverless import load_serverless

FOLDER = Path(__file__).parent.parent / "templates" / "serverless" / "resources"
SERVICE = FOLDER / "serverless.yml"


@pytest.fixture
def app() -> AppDefinition:
    return load_serverless(SERVICE, env={})


def test_included_resource_files_are_watched(app: AppDefinition) -> None:
    assert app.watched_files == (
        SERVICE.resolve(),
        (FOLDER / "resources" / "queues.yml").resolve(),
        (FOLDER / "resources" / "roles.yml").resolve(),
    )


def test_resources_from_files_merge_in_order(app: AppDefinition) -> None:
    queue = app.template.resources["StockQueue"]
    assert queue.type == "AWS::SQS::Queue"
    # roles.yml, read second, changes one property of the queue queues.yml defined
    assert dict(queue.properties) == {
        "QueueName": "inventory-dev-stock",
        "VisibilityTimeout": 120,
        "RedrivePolicy": {"deadLetterTargetArn": {"Fn::GetAtt": ["StockDeadLetters", "Arn"]}, "maxReceiveCount": 3},
    }
    assert app.template.resources["ReportRole"].type == "AWS::IAM::Role"


def test_a_resource_with_a_generated_logical_id_extends_it(app: AppDefinition) -> None:
    function = app.template.resources["RestockLambdaFunction"]
    assert function.type == "AWS::Lambda::Function"
    assert function.properties["Timeout"] == 20
    assert function.properties["Handler"] == "stock.restock"
    assert function.properties["Environment"] == {"Variables": {"QUEUE_URL": {"Ref": "StockQueue"}, "EXTRA": "yes"}}
    assert function.depends_on == ("RestockLogGroup",)
    log_group = app.template.resources["RestockLogGroup"]
    assert log_group.deletion_policy == "Retain"
    assert dict(log_group.properties) == {"LogGroupName": "/aws/lambda/inventory-dev-restock"}


def test_extensions_change_attributes_of_generated_resources(app: AppDefinition) -> None:
    report = app.template.resources["ReportLambdaFunction"]
    assert report.properties["Description"] == "Weekly stock report"
    assert report.properties["Role"] == {"Fn::GetAtt": ["ReportRole", "Arn"]}
    assert report.depends_on == ("ReportLogGroup", "ReportRole", "StockQueue")


def test_outputs_and_conditions(app: AppDefinition) -> None:
    output = app.template.outputs["StockQueueUrl"]
    assert output.value == {"Ref": "StockQueue"}
    assert output.export_name == "inventory-dev-stock-queue"
    assert app.template.conditions == {"IsProd": {"Fn::Equals": ["dev", "prod"]}}


def test_the_queue_mapping_and_role(app: AppDefinition) -> None:
    mapping = app.template.resources["RestockEventSourceMappingSQSStockQueue"]
    assert mapping.properties["EventSourceArn"] == {"Fn::GetAtt": ["StockQueue", "Arn"]}
    # one function still uses the generated role
    assert "IamRoleLambdaExecution" in app.template.resources


def write(tmp_path: Path, text: str) -> Path:
    source = tmp_path / "serverless.yml"
    source.write_text(text)
    return source


BASE = "service: s\nprovider:\n  name: aws\nfunctions:\n  f:\n    handler: h.f\n"


def test_lists_merge_element_by_element(tmp_path: Path) -> None:
    # the framework's merge: list entries are merged by position, not replaced wholesale
    source = write(
        tmp_path,
        BASE + "resources:\n  Resources:\n    FLambdaFunction:\n      DependsOn: [Extra]\n"
        "    Extra:\n      Type: AWS::SQS::Queue\n",
    )
    app = load_serverless(source, env={})
    assert app.template.resources["FLambdaFunction"].depends_on == ("Extra",)


def test_no_generated_role_when_every_function_has_one(tmp_path: Path) -> None:
    source = write(
        tmp_path,
        "service: s\nprovider:\n  name: aws\n  iam:\n    role: arn:aws:iam::000000000000:role/x\n"
        "functions:\n  f:\n    handler: h.f\n",
    )
    app = load_serverless(source, env={})
    assert "IamRoleLambdaExecution" not in app.template.resources
    assert app.template.resources["FLambdaFunction"].properties["Role"] == "arn:aws:iam::000000000000:role/x"


@pytest.mark.parametrize(
    ("resources", "where", "problem"),
    [
        ("resources: 3\n", "resources", "must be an object, not int"),
        ("resources:\n  Resources: []\n", "resources.Resources", "must be an object, not list"),
        (
            "resources:\n  extensions:\n    Missing:\n      Properties: {}\n",
            "resources.extensions.Missing",
            'Cannot extend "Missing" resource, as it\'s not found in generated stack',
        ),
        (
            "resources:\n  extensions:\n    FLambdaFunction:\n      Type: AWS::SQS::Queue\n",
            "resources.extensions.FLambdaFunction.Type",
            'extending the "Type" attribute is not supported',
        ),
    ],
)
def test_bad_resources(tmp_path: Path, resources: str, where: str, problem: str) -> None:
    with pytest.raises(TemplateError) as caught:
        load_serverless(write(tmp_path, BASE + resources), env={})
    assert (caught.value.where, caught.value.problem) == (where, problem)


def test_a_merged_resource_without_type_is_reported(tmp_path: Path) -> None:
    source = write(tmp_path, BASE + "resources:\n  Resources:\n    Orphan:\n      Properties: {}\n")
    with pytest.raises(TemplateError) as caught:
        load_serverless(source, env={})
    assert caught.value.where == "Resources.Orphan"
    assert "Every Resources object must contain a Type member" in caught.value.problem
