"""Input templates: JSON templates versus string templates, where each placeholder sits, how values are written."""

from __future__ import annotations

import pytest

from triggerfish.services.events.input_template import Slot, as_text, minify_json, parse_template


def test_a_template_starting_with_a_brace_is_json_and_slots_follow_the_quotes() -> None:
    template = parse_template('{"a": <x>, "b": "at <y>", "c": [<z>, "\\"<w>\\""]}')
    assert template.is_json
    assert [(p.name, p.slot) for p in template.placeholders] == [
        ("x", Slot.VALUE),
        ("y", Slot.TEXT),
        ("z", Slot.VALUE),
        ("w", Slot.TEXT),
    ]


@pytest.mark.parametrize("text", ['"<a> is <b>"', "<a> is <b>", '"<a>"\n"<b>"', "[<a>, <b>]", '  "{[/<a> <b>"'])
def test_every_other_template_is_a_string_template(text: str) -> None:
    template = parse_template(text)
    assert not template.is_json
    assert {p.slot for p in template.placeholders} == {Slot.TEXT}
    assert template.names == ("a", "b")


def test_only_well_formed_names_are_placeholders() -> None:
    template = parse_template('"a < b and c > d, <ok.name-1_x> but not < spaced > or <a:b>"')
    assert template.names == ("ok.name-1_x",)


def test_json_values_in_value_position_and_text_inside_strings() -> None:
    template = parse_template('{"id": <id>, "obj": <obj>, "say": "id <id> obj <obj> n <n>", "n": <n>}')
    variables = {"id": "a/b", "obj": {"k": "v", "l": [1, "x"]}, "n": 2.5}
    assert template.render(variables) == (
        '{"id":"a/b","obj":{"k":"v","l":[1,"x"]},"say":"id a/b obj {k:v,l:[1,x]} n 2.5","n":2.5}'
    )
    # values in value position are escaped as JSON
    assert parse_template('{"id": <id>}').render({"id": 'a"b'}) == '{"id":"a\\"b"}'


def test_missing_variables_write_nothing_in_text_and_an_empty_string_as_a_value() -> None:
    template = parse_template('{"v": <gone>, "t": "[<gone>]"}')
    assert template.render({}) == '{"v":"","t":"[]"}'
    assert parse_template('"x <gone> y"').render({}) == '"x  y"'


def test_string_templates_keep_their_text_and_whitespace() -> None:
    template = parse_template('"<list> items"\n  "<obj> object"')
    rendered = template.render({"list": ["ACTIVE", "INACTIVE"], "obj": {"acc_id": "1", "sf_id": "baz"}})
    assert rendered == '"[ACTIVE,INACTIVE] items"\n  "{acc_id:1,sf_id:baz} object"'


def test_json_results_are_minified_but_keep_number_spelling() -> None:
    assert parse_template('{ "a" : 1.50 ,\n "b" : [ 1e3 , "x y" ] }').render({}) == '{"a":1.50,"b":[1e3,"x y"]}'
    # a result that is not JSON (an unescaped quote inside a string) is passed as it is
    broken = parse_template('{"a": "say <q>"}').render({"q": 'he said "hi"'})
    assert broken == '{"a": "say he said "hi""}'


def test_as_text_writes_scalars_as_json_and_containers_without_quotes() -> None:
    assert as_text("plain") == "plain"
    assert as_text(True) == "true"
    assert as_text(None) == "null"
    assert as_text(3) == "3"
    assert as_text({"a": {"b": [True, None]}}) == "{a:{b:[true,null]}}"


def test_minify_leaves_escapes_inside_strings() -> None:
    assert minify_json('{ "a\\" b" : "c\\\\" }') == '{"a\\" b":"c\\\\"}'
    assert minify_json("not json ") == "not json "


def test_the_skeleton_stands_in_for_placeholders() -> None:
    template = parse_template('{"a": <x>, "b": "<y>"}')
    assert template.skeleton() == '{"a": null, "b": ""}'
