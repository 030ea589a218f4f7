"""References between resources and the order a stack's resources are created in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from triggerfish.config.cfn import (
    Evaluator,
    Pseudo,
    deployment_order,
    parse_template,
    read_template_file,
    references,
    resolve_parameters,
)
from triggerfish.config.errors import TemplateError
from triggerfish.config.model import ResourceDefinition, Template

TEMPLATES = Path(__file__).parent / "templates" / "cfn"
SOURCE = Path("template.yaml")
CONDITIONS = {
    "Never": {"Fn::Equals": ["a", "b"]},
    "Always": {"Fn::Equals": ["a", "a"]},
}


def order_of_file(name: str, overrides: dict[str, str] | None = None) -> list[str]:
    path = TEMPLATES / name
    template = parse_template(read_template_file(path), source=path)
    return deployment_order(template, Evaluator(template, resolve_parameters(template, overrides or {}), Pseudo()))


def resources(**definitions: dict[str, Any]) -> dict[str, Any]:
    return {"Conditions": CONDITIONS, "Resources": definitions}


def order_of(body: dict[str, Any]) -> list[str]:
    template = parse_template(body, source=SOURCE)
    return deployment_order(template, Evaluator(template, resolve_parameters(template, {}), Pseudo()))


def problem_of(body: dict[str, Any]) -> TemplateError:
    with pytest.raises(TemplateError) as caught:
        order_of(body)
    assert caught.value.file == SOURCE
    return caught.value


def queue(**properties: Any) -> dict[str, Any]:
    return {"Type": "AWS::SQS::Queue", "Properties": properties}


class TestReferences:
    @pytest.mark.parametrize(
        ("value", "names"),
        [
            ({"Ref": "Bucket"}, {"Bucket"}),
            ({"Fn::GetAtt": ["Queue", "Arn"]}, {"Queue"}),
            ({"Fn::GetAtt": "Queue.Arn"}, {"Queue"}),
            ({"Fn::GetAtt": ["Queue", {"Ref": "Attribute"}]}, {"Queue", "Attribute"}),
            ({"Fn::Sub": "${Bucket}/${Queue.Arn}/${AWS::Region}/${!Literal}"}, {"Bucket", "Queue", "AWS::Region"}),
            ({"Fn::Sub": ["${Local}-${Table}", {"Local": {"Ref": "Stage"}}]}, {"Table", "Stage"}),
            ({"Fn::Sub": ["${Table}"]}, {"Table"}),
            ({"Fn::Sub": "${not valid}"}, set()),
            ({"Fn::If": ["IsProd", {"Ref": "A"}, {"Fn::GetAtt": ["B", "Arn"]}]}, {"A", "B"}),
            ({"Fn::Join": ["", [{"Ref": "A"}, {"Fn::Select": [0, {"Ref": "List"}]}]]}, {"A", "List"}),
            ({"Environment": {"Variables": {"A": {"Ref": "A"}, "B": [{"Ref": "B"}]}}}, {"A", "B"}),
            ({"Ref": "A", "Other": {"Ref": "B"}}, {"B"}),
            ({"Condition": "IsProd"}, set()),
            ("text", set()),
        ],
    )
    def test_names_referred_to(self, value: Any, names: set[str]) -> None:
        assert references(value) == names


class TestOrder:
    def test_the_lambda_sqs_app_in_dev(self) -> None:
        assert order_of_file("lambda_sqs_app.yaml") == [
            "OrdersDeadLetterQueue",
            "OrdersQueue",
            "WorkerRole",
            "WorkerFunction",
            "WorkerEventSource",
        ]

    def test_the_lambda_sqs_app_in_prod_with_alarms(self) -> None:
        order = order_of_file("lambda_sqs_app.yaml", {"Stage": "prod", "AlarmEmail": "ops@example.com"})
        # the topic comes before the function that names it, the alarm after what it DependsOn
        assert order == [
            "OrdersDeadLetterQueue",
            "OrdersQueue",
            "WorkerRole",
            "AlarmTopic",
            "WorkerFunction",
            "WorkerEventSource",
            "DeadLetterAlarm",
        ]
        assert next(reversed(order)) == "DeadLetterAlarm"

    def test_the_json_app(self) -> None:
        assert order_of_file("json_app.json") == [
            "UploadTopic",
            "ThumbnailRole",
            "ThumbnailFunction",
            "ThumbnailSubscription",
            "UploadBucket",
        ]

    def test_independent_resources_keep_the_written_order(self) -> None:
        assert order_of(resources(C=queue(), A=queue(), B=queue())) == ["C", "A", "B"]

    def test_each_resource_after_what_it_needs(self) -> None:
        body = resources(
            Function=queue(Role={"Fn::GetAtt": ["Role", "Arn"]}, Env={"Fn::Sub": "${Table}-${Bucket.Arn}"}),
            Table=queue(),
            Role=queue(Policy={"Ref": "Table"}),
            Bucket={"Type": "AWS::S3::Bucket", "DependsOn": "Role"},
        )
        assert order_of(body) == ["Table", "Role", "Bucket", "Function"]

    def test_parameters_and_pseudo_parameters_are_not_dependencies(self) -> None:
        body = {
            "Parameters": {"Stage": {"Type": "String", "Default": "dev"}},
            "Resources": {"Q": queue(Name={"Fn::Sub": "${AWS::StackName}-${Stage}"}, Tags={"Ref": "AWS::NoValue"})},
        }
        assert order_of(body) == ["Q"]

    def test_resources_whose_condition_is_false_are_left_out(self) -> None:
        body = resources(A=queue(), B={**queue(), "Condition": "Never"}, C={**queue(), "Condition": "Always"})
        assert order_of(body) == ["A", "C"]

    def test_the_untaken_branch_may_name_a_resource_that_is_not_created(self) -> None:
        body = resources(
            Function=queue(Topic={"Fn::If": ["Never", {"Ref": "Topic"}, {"Ref": "AWS::NoValue"}]}),
            Topic={"Type": "AWS::SNS::Topic", "Condition": "Never"},
        )
        assert order_of(body) == ["Function"]

    def test_both_branches_order_resources_that_exist(self) -> None:
        # the dependency graph is the template's, read without parameters: both branches of Fn::If count
        body = resources(
            Function=queue(Target={"Fn::If": ["Never", {"Ref": "Topic"}, "none"]}),
            Topic={"Type": "AWS::SNS::Topic"},
        )
        assert order_of(body) == ["Topic", "Function"]


class TestErrors:
    def test_a_reference_to_nothing(self) -> None:
        with pytest.raises(TemplateError) as caught:
            order_of_file("invalid_unresolved_reference.yaml")
        assert caught.value.problem == (
            "Template format error: Unresolved resource dependencies [OrdersTable] "
            "in the Resources block of the template"
        )
        assert caught.value.where == "Resources.Function"
        assert caught.value.file == TEMPLATES / "invalid_unresolved_reference.yaml"

    def test_a_reference_to_a_resource_that_is_not_created(self) -> None:
        with pytest.raises(TemplateError) as caught:
            order_of_file("invalid_conditional_dependency.yaml")
        assert caught.value.problem == (
            "Template format error: Unresolved resource dependencies [Topic] in the Resources block of the template"
        )
        assert caught.value.where == "Resources.Function"
        assert order_of_file("invalid_conditional_dependency.yaml", {"CreateTopic": "true"}) == ["Topic", "Function"]

    @pytest.mark.parametrize(
        "reference",
        [
            {"Ref": "Topic"},
            {"Fn::GetAtt": ["Topic", "TopicName"]},
            {"Fn::Sub": "${Topic.TopicName}"},
            {"Fn::If": ["Always", {"Ref": "Topic"}, "none"]},
        ],
    )
    def test_every_kind_of_reference_to_a_resource_not_created(self, reference: Any) -> None:
        body = resources(Function=queue(Target=reference), Topic={"Type": "AWS::SNS::Topic", "Condition": "Never"})
        error = problem_of(body)
        assert error.problem == (
            "Template format error: Unresolved resource dependencies [Topic] in the Resources block of the template"
        )
        assert error.where == "Resources.Function"

    def test_depends_on_a_resource_not_created(self) -> None:
        body = resources(Function={**queue(), "DependsOn": ["Topic"]}, Topic={**queue(), "Condition": "Never"})
        assert problem_of(body).problem == (
            "Template format error: Unresolved resource dependencies [Topic] in the Resources block of the template"
        )

    def test_unknown_names_are_errors_whatever_the_conditions(self) -> None:
        body = resources(Function={**queue(A={"Fn::If": ["Never", {"Ref": "Nope"}, "x"]}), "Condition": "Never"})
        error = problem_of(body)
        assert error.problem == (
            "Template format error: Unresolved resource dependencies [Nope] in the Resources block of the template"
        )
        assert error.where == "Resources.Function"

    def test_several_unknown_names(self) -> None:
        body = resources(Function=queue(A={"Ref": "X"}, B={"Fn::GetAtt": ["Y", "Arn"]}, C={"Ref": "X"}))
        assert problem_of(body).problem == (
            "Template format error: Unresolved resource dependencies [X, Y] in the Resources block of the template"
        )

    def test_an_unknown_condition_in_fn_if(self) -> None:
        body = resources(Function=queue(A={"Fn::If": ["Missing", "a", "b"]}))
        error = problem_of(body)
        assert error.problem == "Template error: unresolved condition dependency Missing in Fn::If"
        assert error.where == "Resources.Function"

    def test_a_cycle_names_only_its_members(self) -> None:
        with pytest.raises(TemplateError) as caught:
            order_of_file("invalid_circular.yaml")
        # Instance waits for the cycle but is not on it
        assert (
            caught.value.problem
            == "Circular dependency between resources: [AppSecurityGroup, LoadBalancerSecurityGroup]"
        )
        assert caught.value.where == "Resources.AppSecurityGroup"

    def test_a_resource_that_refers_to_itself(self) -> None:
        assert problem_of(resources(Q=queue(Name={"Fn::GetAtt": ["Q", "QueueName"]}))).problem == (
            "Circular dependency between resources: [Q]"
        )

    def test_a_cycle_through_depends_on(self) -> None:
        body = resources(
            A={**queue(), "DependsOn": "C"}, B={**queue(), "DependsOn": "A"}, C={**queue(), "DependsOn": "B"}
        )
        assert problem_of(body).problem == "Circular dependency between resources: [A, B, C]"

    def test_a_cycle_through_an_untaken_branch_is_still_a_cycle(self) -> None:
        body = resources(A=queue(X={"Fn::If": ["Never", {"Ref": "B"}, "x"]}), B=queue(Y={"Ref": "A"}))
        assert problem_of(body).problem == "Circular dependency between resources: [A, B]"

    def test_a_template_built_without_parse_template(self) -> None:
        # the deployer may build a Template itself; DependsOn is still checked
        template = Template(
            source=SOURCE,
            base_dir=Path("."),
            parameters={},
            mappings={},
            conditions={},
            resources={"A": ResourceDefinition(logical_id="A", type="AWS::SQS::Queue", depends_on=("Ghost",))},
            outputs={},
        )
        with pytest.raises(TemplateError) as caught:
            deployment_order(template, Evaluator(template, {}, Pseudo()))
        assert caught.value.problem == (
            "Template format error: Unresolved resource dependencies [Ghost] in the Resources block of the template"
        )
        assert caught.value.where == "Resources.A"
