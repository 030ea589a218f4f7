"""Finding an app's definition and naming its stack."""

from __future__ import annotations

from pathlib import Path

import pytest

from triggerfish.config.errors import TemplateError
from triggerfish.config.loader import default_stack_name, find_definition, load_definition


def test_serverless_yml_comes_before_a_template(tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_text("Resources: {}\n")
    assert find_definition(tmp_path) == (tmp_path / "template.yaml").resolve()
    (tmp_path / "serverless.yml").write_text("service: x\n")
    assert find_definition(tmp_path) == (tmp_path / "serverless.yml").resolve()
    assert find_definition(tmp_path / "template.yaml") == (tmp_path / "template.yaml").resolve()


def test_nothing_to_run(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match=r"no serverless.yml, template.yaml or template.yml in "):
        find_definition(tmp_path)
    with pytest.raises(TemplateError, match=r"does not exist"):
        find_definition(tmp_path / "missing.yaml")


@pytest.mark.parametrize(
    ("folder", "stack"),
    [("orders", "orders"), ("my_app v2", "my-app-v2"), ("2024-app", "app-2024-app"), ("___", "app")],
)
def test_stack_names_from_folders(tmp_path: Path, folder: str, stack: str) -> None:
    assert default_stack_name(tmp_path / folder / "template.yaml") == stack


def test_a_plain_template_loads_as_cloudformation(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "template.json").write_text(
        '{"Resources": {"Fn": {"Type": "AWS::Lambda::Function", "Properties": {"Handler": "a.b", "Code": "."}}}}'
    )
    definition = load_definition(tmp_path / "app", stack_name="given")
    assert definition.stack_name == "given"
    assert definition.template.format == "cloudformation"
    assert definition.watched_files == ((tmp_path / "app" / "template.json").resolve(),)
    assert list(definition.template.resources) == ["Fn"]
