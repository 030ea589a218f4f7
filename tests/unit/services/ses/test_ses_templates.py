"""The Handlebars subset SES documents: values, nested paths, blocks, partials, comments, whitespace."""

from __future__ import annotations

from typing import Any

import pytest

from triggerfish.services.ses.errors import InvalidTemplate
from triggerfish.services.ses.templates import check, render


@pytest.mark.parametrize(
    ("source", "data", "expected"),
    [
        ("Hi {{name}}!", {"name": "Ana"}, "Hi Ana!"),
        ("Hi {{ name }}!", {"name": "Ana"}, "Hi Ana!"),
        ("Hi {{name}}!", {}, "Hi !"),  # a missing value renders empty
        ("{{contact.firstName}} {{contact.city}}", {"contact": {"firstName": "A", "city": "B"}}, "A B"),
        ("{{a.b.c}}", {"a": {"b": None}}, ""),
        ("{{n}} {{f}} {{t}} {{z}}", {"n": 3, "f": 2.0, "t": True, "z": False}, "3 2 true false"),
        ("{{{html}}} {{html}}", {"html": "<b>x</b>"}, "<b>x</b> <b>x</b>"),  # SES does not escape HTML
        ("{{list}}", {"list": [1, "a"]}, "1,a"),
        ("{{obj}}", {"obj": {"a": 1}}, "[object Object]"),
        ("{{items.1}}", {"items": ["a", "b"]}, "b"),
    ],
)
def test_values(source: str, data: dict[str, Any], expected: str) -> None:
    assert render(source, data) == expected


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"vip": True}, "VIP"),
        ({"vip": "yes"}, "VIP"),
        ({"vip": {}}, "VIP"),  # an empty object is true
        ({"vip": False}, "regular"),
        ({"vip": 0}, "regular"),
        ({"vip": ""}, "regular"),
        ({"vip": []}, "regular"),
        ({}, "regular"),
    ],
)
def test_if_else(data: dict[str, Any], expected: str) -> None:
    assert render("{{#if vip}}VIP{{else}}regular{{/if}}", data) == expected


def test_else_if_chain() -> None:
    source = "{{#if a}}A{{else if b}}B{{else}}C{{/if}}"
    assert [render(source, data) for data in ({"a": 1}, {"b": 1}, {})] == ["A", "B", "C"]


def test_unless() -> None:
    assert render("{{#unless done}}todo{{/unless}}", {}) == "todo"
    assert render("{{#unless done}}todo{{/unless}}", {"done": True}) == ""


def test_each_over_a_list_with_data_variables() -> None:
    source = (
        "{{#each subscription}}{{@index}}:{{interest}}{{#if @first}}(first){{/if}}{{#if @last}}(last){{/if}} {{/each}}"
    )
    data = {"subscription": [{"interest": "Sports"}, {"interest": "Travel"}, {"interest": "Cooking"}]}
    assert render(source, data) == "0:Sports(first) 1:Travel 2:Cooking(last) "


def test_each_over_an_object_and_else_when_empty() -> None:
    assert render("{{#each o}}{{@key}}={{this}};{{/each}}", {"o": {"a": 1, "b": 2}}) == "a=1;b=2;"
    assert render("{{#each xs}}{{this}}{{else}}none{{/each}}", {"xs": []}) == "none"


def test_parent_and_root_paths() -> None:
    source = "{{#each people}}{{name}}@{{../company}}/{{@root.company}} {{/each}}"
    assert render(source, {"company": "Co", "people": [{"name": "a"}, {"name": "b"}]}) == "a@Co/Co b@Co/Co "


def test_with() -> None:
    assert render("{{#with user}}{{first}} {{last}}{{/with}}", {"user": {"first": "A", "last": "B"}}) == "A B"
    assert render("{{#with user}}x{{else}}nobody{{/with}}", {}) == "nobody"


def test_inline_partials() -> None:
    source = '{{#* inline "greeting"}}Hello {{name}}{{/inline}}{{> greeting}}! {{> "greeting"}}'
    assert render(source, {"name": "Ana"}) == "Hello Ana! Hello Ana"


def test_comments_and_whitespace_control() -> None:
    assert render("a {{! note }}b{{!-- long }} note --}}c", {}) == "a bc"
    assert render("x   {{~name~}}   y", {"name": "N"}) == "xNy"


@pytest.mark.parametrize(
    "source",
    ["{{#if a}}open", "{{/if}}", "{{#if a}}x{{/each}}", "{{#loop a}}x{{/loop}}", "{{else}}", "{{{a}}", "{{}}"],
)
def test_invalid_templates_are_refused(source: str) -> None:
    with pytest.raises(InvalidTemplate):
        check(source)


def test_a_missing_partial_is_refused_when_rendering() -> None:
    with pytest.raises(InvalidTemplate):
        render("{{> nowhere}}", {})
