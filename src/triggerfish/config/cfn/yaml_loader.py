"""The YAML dialect of CloudFormation templates: short-form intrinsic tags, string timestamps, unique keys.

YAML 1.1 choices, each following what CloudFormation does ("Template formats", YAML section):
- ``yes``/``no``/``on``/``off`` stay booleans, as in YAML 1.1: CloudFormation's parser reads an unquoted
  ``Value: YES`` as the boolean true (a tag value then reads "true"), so a template that means the
  word must quote it, for CloudFormation as for us.
- Timestamps are not a type: CloudFormation does not support the timestamp tag, so
  ``Version: 2012-10-17`` in a policy is the string "2012-10-17".
- The binary, omap, pairs and set tags are refused, as CloudFormation refuses them.
- Aliases and merge keys (``<<``), which CloudFormation does not support, are accepted: serverless.yml
  is read by this same loader and commonly uses them, and they are resolved before anyone sees the data.
- A key written twice in one mapping is an error (CloudFormation rejects such a template).
- Keys keep the text written: ``On:`` or ``Yes:`` as a mapping key (a Mappings entry, a tag name) is
  that word, not a boolean.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import yaml
from yaml.constructor import ConstructorError

from triggerfish.config.cfn.scalars import scalar_text

_MERGE_TAG = "tag:yaml.org,2002:merge"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_BOOL_TAG = "tag:yaml.org,2002:bool"
_CORE_BOOLEAN = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")

#: short-form tag -> long-form key (intrinsic function reference, "YAML short form")
SHORT_FORMS = {
    "!Ref": "Ref",
    "!Condition": "Condition",
    "!GetAtt": "Fn::GetAtt",
    "!Sub": "Fn::Sub",
    "!Join": "Fn::Join",
    "!Select": "Fn::Select",
    "!Split": "Fn::Split",
    "!If": "Fn::If",
    "!Equals": "Fn::Equals",
    "!And": "Fn::And",
    "!Or": "Fn::Or",
    "!Not": "Fn::Not",
    "!FindInMap": "Fn::FindInMap",
    "!ImportValue": "Fn::ImportValue",
    "!Base64": "Fn::Base64",
    "!GetAZs": "Fn::GetAZs",
    "!Cidr": "Fn::Cidr",
    "!Transform": "Fn::Transform",
    "!ToJsonString": "Fn::ToJsonString",
    "!Length": "Fn::Length",
}


class TemplateLoader(yaml.SafeLoader):
    """A safe loader (never the unsafe one) that reads CloudFormation's YAML."""

    def construct_mapping(self, node: yaml.Node, deep: bool = False) -> dict[Any, Any]:
        if not isinstance(node, yaml.MappingNode):
            raise ConstructorError(None, None, "expected a mapping", node.start_mark)
        first_seen: dict[str, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == _MERGE_TAG:
                continue  # keys brought in by a merge may be overridden; only written keys must be unique
            key = self._key(key_node)
            if key in first_seen:
                raise ConstructorError(
                    None, None, f"duplicate key '{key}' (first at line {first_seen[key]})", key_node.start_mark
                )
            first_seen[key] = key_node.start_mark.line + 1
        self.flatten_mapping(node)
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            mapping[self._key(key_node)] = self.construct_object(value_node, deep=deep)
        return mapping

    def _key(self, key_node: yaml.Node) -> str:
        if isinstance(key_node, yaml.ScalarNode) and key_node.tag.startswith("tag:yaml.org,2002:"):
            # a key is a name: `On:`, `Yes:` or `10:` keep the text written, not a boolean's or number's
            return str(key_node.value)
        key = self.construct_object(key_node, deep=True)
        text = scalar_text(key)
        if text is None:
            # templates are JSON documents: every key is a string
            raise ConstructorError(None, None, "a mapping key must be a string", key_node.start_mark)
        return text

    def construct_argument(self, node: yaml.Node) -> Any:
        """What a short-form tag applies to: a scalar (as text), a sequence or a mapping."""
        if isinstance(node, yaml.ScalarNode):
            return self.construct_scalar(node)
        if isinstance(node, yaml.SequenceNode):
            return self.construct_sequence(node, deep=True)
        return self.construct_mapping(node, deep=True)


def _function(key: str) -> Callable[[TemplateLoader, yaml.Node], dict[str, Any]]:
    def construct(loader: TemplateLoader, node: yaml.Node) -> dict[str, Any]:
        return {key: loader.construct_argument(node)}

    return construct


def _get_att(loader: TemplateLoader, node: yaml.Node) -> dict[str, Any]:
    argument = loader.construct_argument(node)
    if isinstance(argument, str) and "." in argument:
        # `!GetAtt A.B.C` names attribute "B.C" of A (nested attributes such as Outputs.Name)
        resource, attribute = argument.split(".", 1)
        return {"Fn::GetAtt": [resource, attribute]}
    return {"Fn::GetAtt": argument}


def _refused(loader: TemplateLoader, node: yaml.Node) -> Any:
    raise ConstructorError(None, None, f"the {node.tag} tag is not supported in templates", node.start_mark)


def _as_text(loader: TemplateLoader, node: yaml.Node) -> Any:
    if not isinstance(node, yaml.ScalarNode):
        raise ConstructorError(None, None, f"the {node.tag} tag applies to scalars only", node.start_mark)
    return loader.construct_scalar(node)


class CoreBooleansLoader(TemplateLoader):
    """The same dialect with only ``true``/``false`` as booleans (YAML 1.2 core), as serverless.yml is read."""


def _resolvers(*, core_booleans: bool) -> dict[Any, list[tuple[str, re.Pattern[str]]]]:
    resolvers: dict[Any, list[tuple[str, re.Pattern[str]]]] = {}
    for first, entries in yaml.SafeLoader.yaml_implicit_resolvers.items():
        # timestamps resolve as plain strings (see the module's docstring)
        kept = [(tag, regexp) for tag, regexp in entries if tag != _TIMESTAMP_TAG]
        if core_booleans:
            kept = [(tag, _CORE_BOOLEAN if tag == _BOOL_TAG else regexp) for tag, regexp in kept]
        resolvers[first] = kept
    return resolvers


TemplateLoader.yaml_implicit_resolvers = _resolvers(core_booleans=False)
CoreBooleansLoader.yaml_implicit_resolvers = _resolvers(core_booleans=True)
TemplateLoader.add_constructor(_TIMESTAMP_TAG, _as_text)
for _tag in ("binary", "omap", "pairs", "set"):
    TemplateLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _refused)
for _short, _long in SHORT_FORMS.items():
    TemplateLoader.add_constructor(_short, _get_att if _short == "!GetAtt" else _function(_long))
