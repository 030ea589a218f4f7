"""A service using every kind of variable, included files and ``useDotenv``, loaded end to end."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from triggerfish.config.serverless import load_serverless

FOLDER = Path(__file__).parent.parent / "templates" / "serverless" / "variables"
SERVICE = FOLDER / "serverless.yml"


def function_properties(**kwargs: Any) -> dict[str, Any]:
    app = load_serverless(SERVICE, **kwargs)
    return dict(app.template.resources["ApiLambdaFunction"].properties)


def test_default_stage_region_and_dotenv() -> None:
    app = load_serverless(SERVICE, env={})
    assert (app.stack_name, app.region) == ("catalog-dev", "eu-central-1")
    assert app.warnings == ()
    assert app.watched_files == (
        SERVICE.resolve(),
        (FOLDER / ".env").resolve(),
        (FOLDER / "config" / "settings.yml").resolve(),
        (FOLDER / "config" / "extra.json").resolve(),
    )
    properties = dict(app.template.resources["ApiLambdaFunction"].properties)
    assert properties["FunctionName"] == "catalog-dev-api"
    assert properties["MemorySize"] == 256  # custom.memory.dev is missing: the fallback
    assert properties["Timeout"] == 15  # from config/settings.yml
    # variables inside the included file refer to the main configuration
    assert properties["Tags"] == [{"Key": "project", "Value": "catalog"}, {"Key": "stage", "Value": "dev"}]
    assert properties["Environment"] == {
        "Variables": {
            "STAGE": "dev",
            "REGION": "eu-central-1",
            "ACCOUNT": "000000000000",
            "TABLE": "catalog-dev-items",
            "DB_HOST": "localhost",
            "GREETING": "hello from localhost",
            "API_KEY": "local-key",
            "FEATURE": "off",
            "MAX_ITEMS": 100,
            "OWNER": "team-catalog",
            "CHAIN": "last-resort",
            "SECRET": "dev-secret",
            "BUCKET": "shared-bucket",
            "TEMPLATE": "none",
            "DOMAIN": "dev.example.com",
            "COLOR": "blue",
            "LOG_LEVEL": "debug",
            "LIMIT": "50 items",
            "QUEUE_ARN": {
                "Fn::Sub": "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:team-catalog-${Queue.QueueName}"
            },
        }
    }


def test_stage_file_replaces_the_default_dotenv_and_options_apply() -> None:
    app = load_serverless(SERVICE, stage="prod", region="us-west-2", options={"color": "red"}, env={})
    assert (app.stack_name, app.region) == ("catalog-prod", "us-west-2")
    assert (FOLDER / ".env.prod").resolve() in app.watched_files
    assert (FOLDER / ".env").resolve() not in app.watched_files
    properties = dict(app.template.resources["ApiLambdaFunction"].properties)
    assert properties["MemorySize"] == 2048
    variables = properties["Environment"]["Variables"]
    assert variables["DB_HOST"] == "prod-db.internal"
    assert variables["GREETING"] == "none"  # only .env.prod is read: .env's GREETING is not there
    assert (variables["STAGE"], variables["REGION"], variables["DOMAIN"]) == ("prod", "us-west-2", "example.com")
    assert variables["COLOR"] == "red"


def test_the_process_environment_wins_over_dotenv() -> None:
    variables = function_properties(env={"DB_HOST": "from-process", "AWS_REGION": "ap-south-1", "OWNER": "me"})[
        "Environment"
    ]["Variables"]
    assert variables["DB_HOST"] == "from-process"
    # expansion inside .env sees the process environment first
    assert variables["GREETING"] == "hello from from-process"
    assert variables["REGION"] == "ap-south-1"
    assert variables["OWNER"] == "me"


def test_dotenv_is_only_read_when_asked(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("NAME=from-dotenv\n")
    source = tmp_path / "serverless.yml"
    body = "service: s\nprovider:\n  name: aws\n  environment:\n    NAME: ${env:NAME, 'unset'}\n"
    source.write_text(body + "functions:\n  f:\n    handler: h.f\n")
    app = load_serverless(source, env={})
    assert app.template.resources["FLambdaFunction"].properties["Environment"] == {"Variables": {"NAME": "unset"}}
    source.write_text("useDotenv: true\n" + body + "functions:\n  f:\n    handler: h.f\n")
    app = load_serverless(source, env={})
    assert app.template.resources["FLambdaFunction"].properties["Environment"] == {"Variables": {"NAME": "from-dotenv"}}


def test_dotenv_syntax(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        "# comment\n"
        "PLAIN=value # trailing comment\n"
        "export EXPORTED=yes\n"
        "SPACED = spaced out \n"
        'DOUBLE="line one\\nline two"\n'
        "SINGLE='keeps # hash'\n"
        'MULTI="first\nsecond"\n'
        "REF=${PLAIN}-$EXPORTED-${MISSING:-fallback}\n"
        "ESCAPED=\\$PLAIN\n"
        "not a line\n"
    )
    names = ["PLAIN", "EXPORTED", "SPACED", "DOUBLE", "SINGLE", "MULTI", "REF", "ESCAPED"]
    environment = "".join(f"    {name}: ${{env:{name}}}\n" for name in names)
    source = tmp_path / "serverless.yml"
    source.write_text(
        f"service: s\nuseDotenv: true\nprovider:\n  name: aws\n  environment:\n{environment}"
        "functions:\n  f:\n    handler: h.f\n"
    )
    variables = load_serverless(source, env={}).template.resources["FLambdaFunction"].properties["Environment"]
    assert variables["Variables"] == {
        "PLAIN": "value",
        "EXPORTED": "yes",
        "SPACED": "spaced out",
        "DOUBLE": "line one\nline two",
        "SINGLE": "keeps # hash",
        "MULTI": "first\nsecond",
        "REF": "value-yes-fallback",
        "ESCAPED": "$PLAIN",
    }


def test_unknown_sources_are_warned_about(tmp_path: Path) -> None:
    source = tmp_path / "serverless.yml"
    source.write_text(
        "service: s\nprovider:\n  name: aws\n  environment:\n    TOKEN: ${vault:token}\n"
        "functions:\n  f:\n    handler: h.f\n"
    )
    app = load_serverless(source, env={})
    assert app.warnings == (
        'provider.environment.TOKEN: unknown variable source "vault" in ${vault:token}; left as is',
    )
