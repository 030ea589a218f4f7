"""The translation cache: hits skip the translator entirely (not even imported); any changed input misses."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any, NoReturn

import pytest

import triggerfish.config.sam.translation as translation
from triggerfish.config.errors import TemplateError
from triggerfish.config.sam import transform_sam
from triggerfish.config.sam.cache import TranslationCache, translation_key

SAM = "AWS::Serverless-2016-10-31"


@pytest.fixture
def app(tmp_path: Path) -> Path:
    folder = tmp_path / "app"
    (folder / "src").mkdir(parents=True)
    (folder / "src" / "app.py").write_text("def handler(event, context):\n    return 1\n")
    (folder / "api.yaml").write_text("openapi: 3.0.1\ninfo: {title: one, version: '1'}\npaths: {}\n")
    return folder


def body() -> dict[str, Any]:
    return {
        "Transform": SAM,
        "Parameters": {"Stage": {"Type": "String", "Default": "dev"}},
        "Resources": {
            "Fn": {
                "Type": "AWS::Serverless::Function",
                "Properties": {"CodeUri": "src/", "Handler": "app.handler", "Runtime": "python3.12"},
            },
            "Api": {"Type": "AWS::Serverless::HttpApi", "Properties": {"DefinitionUri": "api.yaml"}},
        },
    }


def translate(app: Path, cache_dir: Path, **options: Any) -> dict[str, Any]:
    overrides = options.pop("overrides", {})
    return transform_sam(
        options.pop("body", body()),
        source=app / "template.yaml",
        parameter_overrides=overrides,
        cache_dir=cache_dir,
        **options,
    )


def refuse_translation(monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(*args: Any, **kwargs: Any) -> NoReturn:
        raise AssertionError("translated although the cache had it")

    monkeypatch.setattr(translation, "translate", refused)


def test_a_second_translation_is_read_from_the_cache(
    app: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache_dir = tmp_path / "cache"
    first = translate(app, cache_dir)
    [stored] = cache_dir.iterdir()
    assert stored.name.startswith("sam-") and stored.suffix == ".json"
    assert len(stored.stem) == len("sam-") + 64  # a SHA-256 in hex
    assert json.loads(stored.read_text()) == first
    refuse_translation(monkeypatch)
    assert translate(app, cache_dir) == first
    assert first["Resources"]["Fn"]["Properties"]["Code"] == "src"


@pytest.mark.parametrize(
    "change",
    [
        {"overrides": {"Stage": "prod"}},
        {"region": "eu-west-1"},
        {"account": "123456789012"},
        {"stack_name": "other"},
        {"body": {**body(), "Description": "changed"}},
    ],
)
def test_any_changed_input_is_a_miss(app: Path, tmp_path: Path, change: dict[str, Any]) -> None:
    cache_dir = tmp_path / "cache"
    translate(app, cache_dir)
    translate(app, cache_dir, **change)
    assert len(list(cache_dir.glob("sam-*.json"))) == 2


def test_a_changed_openapi_file_is_a_miss(app: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    translate(app, cache_dir)
    (app / "api.yaml").write_text("openapi: 3.0.1\ninfo: {title: two, version: '1'}\npaths: {}\n")
    second = translate(app, cache_dir)
    assert second["Resources"]["Api"]["Properties"]["Body"]["info"]["title"] == "two"
    assert len(list(cache_dir.glob("sam-*.json"))) == 2


def test_the_key_covers_the_translators_version(monkeypatch: pytest.MonkeyPatch) -> None:
    import triggerfish.config.sam.cache as cache

    options = {"region": "us-east-1", "account": "000000000000", "stack_name": "stack"}
    before = translation_key(body(), {}, **options)
    assert translation_key(body(), {}, **options) == before
    monkeypatch.setattr(cache, "translator_version", lambda: "0.0.0")
    assert translation_key(body(), {}, **options) != before


def test_an_unreadable_entry_is_translated_again_and_replaced(app: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    first = translate(app, cache_dir)
    [stored] = cache_dir.iterdir()
    stored.write_text("{not json")
    assert translate(app, cache_dir) == first
    assert json.loads(stored.read_text()) == first
    assert [path.name for path in cache_dir.iterdir()] == [stored.name]  # no temporary file left behind


def test_a_cache_that_cannot_be_written_is_skipped(app: Path, tmp_path: Path) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder should be")
    assert translate(app, blocked)["Resources"]["Fn"]["Properties"]["Code"] == "src"


def test_errors_are_not_cached(app: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    invalid = body()
    invalid["Resources"]["Fn"]["Properties"]["Events"] = {"Q": {"Type": "SQS", "Properties": {}}}
    for _ in range(2):
        with pytest.raises(TemplateError, match="Missing required property 'Queue'"):
            translate(app, cache_dir, body=invalid)
    assert not cache_dir.exists() or not list(cache_dir.iterdir())


def test_cache_get_and_put(tmp_path: Path) -> None:
    cache = TranslationCache(tmp_path / "nested" / "cache")
    assert cache.get("k") is None
    cache.put("k", {"Resources": {}})
    assert cache.get("k") == {"Resources": {}}
    cache.path("k").write_text("[1, 2]")  # valid JSON, not a template
    assert cache.get("k") is None


def test_a_cache_hit_does_not_import_the_translator(app: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    expected = translate(app, cache_dir)
    script = textwrap.dedent(
        """
        import json, sys
        from pathlib import Path
        from triggerfish.config.sam import transform_sam

        app, cache_dir = Path(sys.argv[1]), Path(sys.argv[2])
        body = json.loads(sys.stdin.read())
        result = transform_sam(body, source=app / "template.yaml", parameter_overrides={}, cache_dir=cache_dir)
        imported = sorted(name for name in sys.modules if name.split(".")[0] == "samtranslator")
        print(json.dumps({"result": result, "imported": imported}))
        """
    )
    completed = subprocess.run(
        [sys.executable, "-c", script, str(app), str(cache_dir)],
        input=json.dumps(body()),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    report = json.loads(completed.stdout)
    assert report["imported"] == []
    assert report["result"] == expected
