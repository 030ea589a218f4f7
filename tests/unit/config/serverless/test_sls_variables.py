"""Serverless Framework v3 variables: syntax, sources, fallbacks, types, nesting, cycles and errors."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from triggerfish.config.errors import TemplateError
from triggerfish.config.serverless.variable_syntax import Literal, Source, parse
from triggerfish.config.serverless.variables import VariableContext, VariableResolver

CONFIG_FILE = Path("serverless.yml")


def resolve(
    config: Mapping[str, Any],
    *,
    env: Mapping[str, str] | None = None,
    service_dir: Path = Path("."),
    **context: Any,
) -> dict[str, Any]:
    resolver = VariableResolver(
        config, VariableContext(service_dir=service_dir, config_file=CONFIG_FILE, env=dict(env or {}), **context)
    )
    return resolver.resolve()


def failure(config: Mapping[str, Any], **kwargs: Any) -> TemplateError:
    with pytest.raises(TemplateError) as caught:
        resolve(config, **kwargs)
    return caught.value


# syntax


@pytest.mark.parametrize(
    "text",
    [
        "${AWS::Region}",
        "arn:${AWS::Partition}:s3:::${BucketName}",
        "${Queue.Arn}",
        "${name}",
        "${aws::x}",
        "plain text",
        "price: $5",
        "\\${self:custom.escaped}",
    ],
)
def test_cloudformation_and_plain_text_are_not_variables(text: str) -> None:
    assert parse(text) is None


def test_a_variable_with_parameters_address_and_fallbacks() -> None:
    parts = parse("${file(./x.yml):a.b, env:Y, 'z', 12, true, null}")
    assert parts is not None and len(parts) == 1
    (variable,) = parts
    assert not isinstance(variable, str)
    assert variable.sources == (
        Source("file", (Literal("./x.yml"),), Literal("a.b")),
        Source("env", (), Literal("Y")),
        Literal("z"),
        Literal(12),
        Literal(True),
        Literal(None),
    )


def test_text_around_variables_is_kept_in_order() -> None:
    parts = parse("a-${sls:stage}-b-${aws:region}")
    assert parts is not None
    assert [part if isinstance(part, str) else part.text for part in parts] == [
        "a-",
        "${sls:stage}",
        "-b-",
        "${aws:region}",
    ]


# sources and fallbacks


def test_self_references_resolve_through_other_variables() -> None:
    config = {
        "service": "shop",
        "custom": {"name": "${self:service}-api", "copy": "${self:custom.name}", "list": ["a", "${self:service}"]},
        "whole": "${self:custom.list}",
        "item": "${self:custom.list.1}",
    }
    resolved = resolve(config)
    assert resolved["custom"] == {"name": "shop-api", "copy": "shop-api", "list": ["a", "shop"]}
    assert resolved["whole"] == ["a", "shop"]
    assert resolved["item"] == "shop"


def test_a_lone_variable_keeps_its_type_and_a_mixed_string_is_a_string() -> None:
    config = {
        "custom": {"n": 5, "flag": False, "map": {"a": 1}},
        "number": "${self:custom.n}",
        "flag": "${self:custom.flag}",
        "map": "${self:custom.map}",
        "text": "n=${self:custom.n} flag=${self:custom.flag}",
        "env_number": "${env:MISSING, 123}",
        "env_float": "${env:MISSING, 1.5}",
    }
    resolved = resolve(config)
    assert resolved["number"] == 5
    assert resolved["flag"] is False
    assert resolved["map"] == {"a": 1}
    assert resolved["text"] == "n=5 flag=false"
    assert resolved["env_number"] == 123
    assert resolved["env_float"] == 1.5


def test_fallback_chains_take_the_first_value() -> None:
    config = {
        "custom": {"y": "from-self"},
        "single": "${env:X, 'single'}",
        "double": '${env:X, "double, with comma"}',
        "self": "${env:X, self:custom.y}",
        "chain": "${env:X, env:Y, 'z'}",
        "found": "${env:Y, 'unused'}",
        "empty": "${env:EMPTY, 'empty counts as unset'}",
    }
    resolved = resolve(config, env={"Y": "from-env", "EMPTY": ""})
    assert resolved["single"] == "single"
    assert resolved["double"] == "double, with comma"
    assert resolved["self"] == "from-self"
    assert resolved["chain"] == "from-env"
    assert resolved["found"] == "from-env"
    assert resolved["empty"] == "empty counts as unset"


def test_nested_variables_in_addresses() -> None:
    config = {
        "provider": {"stage": "${opt:stage, 'dev'}"},
        "custom": {"memory": {"dev": 128, "prod": 2048}, "size": "${self:custom.memory.${sls:stage}}"},
    }
    assert resolve(config)["custom"]["size"] == 128
    assert resolve(config, stage="prod")["custom"]["size"] == 2048


def test_options_stage_region_and_account() -> None:
    config = {
        "provider": {"stage": "qa", "region": "eu-west-1"},
        "values": [
            "${opt:stage, 'none'}",
            "${sls:stage}",
            "${aws:region}",
            "${opt:region, 'none'}",
            "${aws:accountId}",
            "${opt:color}",
            "${sls:instanceId}",
        ],
        "options": "${opt:}",
    }
    resolved = resolve(config, options={"color": "red"}, instance_id="abc123")
    # ${opt:stage} is only the option given; ${sls:stage} falls back to provider.stage, then "dev"
    assert resolved["values"] == ["none", "qa", "eu-west-1", "none", "000000000000", "red", "abc123"]
    assert resolved["options"] == {"color": "red"}
    given = resolve(config, options={"color": "red"}, stage="prod", region="ap-south-1")
    assert given["values"][:4] == ["prod", "prod", "ap-south-1", "ap-south-1"]
    defaults = resolve({"a": "${sls:stage}", "b": "${aws:region}"})
    assert defaults == {"a": "dev", "b": "us-east-1"}


def test_str_to_bool_and_params() -> None:
    config = {
        "params": {
            "default": {"domain": "${sls:stage}.example.com", "tier": "free"},
            "prod": {"domain": "example.com"},
        },
        "on": "${strToBool(${env:FLAG})}",
        "off": "${strToBool(0)}",
        "domain": "${param:domain}",
        "tier": "${param:tier}",
    }
    resolved = resolve(config, env={"FLAG": "TRUE"})
    assert (resolved["on"], resolved["off"]) == (True, False)
    assert (resolved["domain"], resolved["tier"]) == ("dev.example.com", "free")
    assert resolve(config, env={"FLAG": "1"}, stage="prod")["domain"] == "example.com"
    problem = failure({"x": "${strToBool(maybe)}"})
    assert problem.problem == (
        'Cannot resolve variable at "x": Invalid "strToBool" input: '
        'Expected either "true", "false", "0", or "1". Received: maybe'
    )


def test_remote_sources_use_their_fallback() -> None:
    config = {"a": "${ssm:/app/key, 'local'}", "b": "${cf:stack.Output, env:B}", "c": "${s3:bucket/key, 7}"}
    assert resolve(config, env={"B": "from-env"}) == {"a": "local", "b": "from-env", "c": 7}


def test_remote_source_without_fallback_names_the_source_and_place() -> None:
    problem = failure({"custom": {"bucket": "${cf:shared.BucketName}"}})
    assert problem.where == "custom.bucket"
    assert problem.problem.startswith('Cannot resolve variable at "custom.bucket": "cf" variables read')
    assert "fallback" in problem.problem


def test_unknown_sources_are_left_as_written_with_a_warning() -> None:
    resolver = VariableResolver(
        {"a": "${vault:secret/x}", "b": "x-${vault:y}"}, VariableContext(service_dir=Path("."), config_file=CONFIG_FILE)
    )
    assert resolver.resolve() == {"a": "${vault:secret/x}", "b": "x-${vault:y}"}
    assert resolver.warnings == (
        'a: unknown variable source "vault" in ${vault:secret/x}; left as is',
        'b: unknown variable source "vault" in ${vault:y}; left as is',
    )


def test_cloudformation_substitutions_survive_next_to_variables() -> None:
    config = {"custom": {"x": "q"}, "sub": {"Fn::Sub": "arn:${AWS::Partition}:sqs:${AWS::Region}:${self:custom.x}"}}
    assert resolve(config)["sub"] == {"Fn::Sub": "arn:${AWS::Partition}:sqs:${AWS::Region}:q"}


# errors


def test_missing_value_names_the_property_and_source() -> None:
    problem = failure({"provider": {"environment": {"X": "${env:X}"}}})
    assert problem.where == "provider.environment.X"
    assert problem.problem == 'Cannot resolve variable at "provider.environment.X": Value not found at "env" source'
    assert str(problem) == (
        'serverless.yml: provider.environment.X: Cannot resolve variable at "provider.environment.X": '
        'Value not found at "env" source'
    )


def test_missing_self_value_in_a_list_names_the_index() -> None:
    problem = failure({"functions": {"f": {"events": [{"sqs": "${self:custom.queue}"}]}}})
    assert problem.where == "functions.f.events[0].sqs"
    assert problem.problem.endswith('Value not found at "self" source')


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"a": "${self:a}"}, 'Circular reference. "a" refers to itself'),
        ({"a": "${self:b}", "b": "${self:a}"}, 'Circular reference among "b" and "a" properties'),
        ({"c": {"x": "${self:c}"}}, 'Circular reference among "c.x" and "c" properties'),
    ],
)
def test_cycles_are_detected(config: dict[str, Any], message: str) -> None:
    assert failure(config).problem == message


def test_a_variable_resolving_to_itself_through_the_environment_stops() -> None:
    problem = failure({"a": "${env:LOOP}"}, env={"LOOP": "${env:LOOP}"})
    assert problem.where == "a"
    assert "keep resolving to variables" in problem.problem


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("${self:a", "Missing variable closing bracket in ${self:a"),
        ("${env:X, -1}", 'Invalid variable source at index 9 in "${env:X, -1}"'),
        ("${env:X, bogus}", 'Invalid literal source "bogus" at index 9 in "${env:X, bogus}"'),
        ("${aws:username}", 'Unsupported "username" address argument in variable "aws" source'),
        ("${sls:name}", 'Unsupported "name" address argument in variable "sls" source'),
        ("${env:}", 'Missing address argument in variable "env" source'),
        ("${file()}", 'Missing path argument in variable "file" source'),
        ("${self:custom} and ${self:service}", "String value consist of variable which resolve with non-string value"),
    ],
)
def test_malformed_variables(text: str, message: str) -> None:
    problem = failure({"service": "s", "custom": {"a": 1}, "x": text})
    assert problem.where == "x"
    assert problem.problem == f'Cannot resolve variable at "x": {message}'


# files


def test_files_resolve_relative_to_the_service_folder(tmp_path: Path) -> None:
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "app.yml").write_text("name: ${self:service}-app\nref: !Ref Queue\nlist: [1, 2]\n")
    (tmp_path / "conf" / "data.json").write_text('{"limits": {"max": 10}}')
    (tmp_path / "notes.txt").write_text("plain text\n")
    config = {
        "service": "svc",
        "whole": "${file(./conf/app.yml)}",
        "name": "${file(./conf/app.yml):name}",
        "max": "${file(conf/data.json):limits.max}",
        "text": "${file(./notes.txt)}",
        "missing": "${file(./nope.yml), 'fallback'}",
        "absent_key": "${file(./conf/app.yml):nope, 'no key'}",
    }
    resolver = VariableResolver(config, VariableContext(service_dir=tmp_path, config_file=tmp_path / "serverless.yml"))
    resolved = resolver.resolve()
    assert resolved["whole"] == {"name": "svc-app", "ref": {"Ref": "Queue"}, "list": [1, 2]}
    assert resolved["name"] == "svc-app"
    assert resolved["max"] == 10
    assert resolved["text"] == "plain text\n"
    assert resolved["missing"] == "fallback"
    assert resolved["absent_key"] == "no key"
    root = tmp_path.resolve()
    assert resolver.files_read == (root / "conf/app.yml", root / "conf/data.json", root / "notes.txt")


def test_files_outside_the_service_folder_are_refused(tmp_path: Path) -> None:
    (tmp_path / "service").mkdir()
    (tmp_path / "secret.yml").write_text("a: 1\n")
    problem = failure({"x": "${file(../secret.yml)}"}, service_dir=tmp_path / "service")
    assert problem.problem == (
        'Cannot resolve variable at "x": "../secret.yml" is outside the service folder; '
        "only files inside it can be included"
    )


def test_a_file_including_itself_stops(tmp_path: Path) -> None:
    (tmp_path / "self.yml").write_text("again: ${file(./self.yml)}\n")
    problem = failure({"x": "${file(./self.yml)}"}, service_dir=tmp_path)
    assert "keep resolving to variables" in problem.problem


def test_bad_included_files(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text("{not json")
    (tmp_path / "bad.yml").write_text("a: [1, 2\n")
    (tmp_path / "code.js").write_text("module.exports = {}")
    json_problem = failure({"x": "${file(./bad.json)}"}, service_dir=tmp_path)
    assert json_problem.problem.startswith('Cannot resolve variable at "x": Cannot parse "bad.json": JSON parse error:')
    yaml_problem = failure({"x": "${file(./bad.yml)}"}, service_dir=tmp_path)
    assert yaml_problem.file == tmp_path.resolve() / "bad.yml"
    assert yaml_problem.problem.startswith("invalid YAML:")
    js_problem = failure({"x": "${file(./code.js)}"}, service_dir=tmp_path)
    assert "JavaScript and TypeScript files are not evaluated" in js_problem.problem
