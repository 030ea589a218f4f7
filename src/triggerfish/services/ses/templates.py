"""SES template text: the Handlebars subset SES documents ("Advanced email personalization").

Supported: ``{{path}}`` and ``{{{path}}}`` (nested ``a.b.c``, ``this``, ``../``, ``@root``, ``@index``,
``@key``, ``@first``, ``@last``), ``{{#if}}``, ``{{#unless}}``, ``{{#each}}`` (arrays and objects),
``{{#with}}``, ``{{else}}`` and ``{{else if ..}}``, inline partials (``{{#* inline "name"}}`` ..
``{{/inline}}`` then ``{{> name}}``), comments and ``~`` whitespace control. A missing value renders
empty. SES does not HTML-escape values (developer guide: "SES doesn't escape HTML content"), so
``{{x}}`` and ``{{{x}}}`` render alike.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from triggerfish.services.ses.errors import InvalidTemplate

_TAG = re.compile(r"\{\{(~?)(\{?)(!--.*?--|!.*?|.*?)(\}?)(~?)\}\}", re.DOTALL)
_BLOCK_HELPERS = frozenset({"if", "unless", "each", "with"})


@dataclass(frozen=True)
class _Text:
    text: str


@dataclass(frozen=True)
class _Value:
    path: str


@dataclass(frozen=True)
class _Partial:
    name: str


@dataclass
class _Block:
    helper: str
    argument: str
    body: list[_Node] = field(default_factory=list)
    inverse: list[_Node] | None = None


_Node = _Text | _Value | _Partial | _Block


@dataclass(frozen=True)
class CompiledTemplate:
    nodes: tuple[_Node, ...]
    partials: Mapping[str, tuple[_Node, ...]]

    def render(self, data: Mapping[str, Any]) -> str:
        out: list[str] = []
        _render(self.nodes, _Frame(data, None, {"root": data}), self.partials, out)
        return "".join(out)


def render(source: str, data: Mapping[str, Any]) -> str:
    """``source`` rendered with ``data``; raises :class:`InvalidTemplate` for text SES could not parse."""
    return compile_template(source).render(data)


def check(source: str) -> None:
    """Raise :class:`InvalidTemplate` unless ``source`` parses."""
    compile_template(source)


@dataclass
class _Open:
    """A tag being filled: where text goes, whose ``{{else}}`` applies, what closing tag ends it."""

    nodes: list[_Node]
    block: _Block | None
    closes: str
    inline: str | None = None


@lru_cache(maxsize=256)
def compile_template(source: str) -> CompiledTemplate:
    partials: dict[str, tuple[_Node, ...]] = {}
    root: list[_Node] = []
    stack: list[_Open] = [_Open(root, None, "")]
    pending_strip = False
    position = 0
    for match in _TAG.finditer(source):
        strip_before, open_brace, inner, close_brace, strip_after = match.groups()
        text = source[position : match.start()]
        if pending_strip:
            text = text.lstrip()
        if strip_before:
            text = text.rstrip()
        if text:
            stack[-1].nodes.append(_Text(text))
        position = match.end()
        pending_strip = bool(strip_after)
        if bool(open_brace) != bool(close_brace):
            raise InvalidTemplate(f"Invalid template: unbalanced braces in {match.group(0)!r}")
        tag = inner.strip()
        if not tag.startswith("!"):
            _handle(tag, stack, partials)
    tail = source[position:]
    if pending_strip:
        tail = tail.lstrip()
    if tail:
        stack[-1].nodes.append(_Text(tail))
    if len(stack) != 1:
        raise InvalidTemplate(f"Invalid template: {{{{#{stack[-1].closes}}}}} is not closed")
    return CompiledTemplate(tuple(root), partials)


def _block(text: str) -> _Block:
    helper, _, argument = text.strip().partition(" ")
    if helper not in _BLOCK_HELPERS:
        raise InvalidTemplate(f"Invalid template: unknown helper {helper!r}")
    return _Block(helper, argument.strip())


def _handle(tag: str, stack: list[_Open], partials: dict[str, tuple[_Node, ...]]) -> None:
    current = stack[-1]
    if tag.startswith("#*"):
        words = tag[2:].split()
        if len(words) != 2 or words[0] != "inline":
            raise InvalidTemplate(f"Invalid template: unknown decorator {{{{{tag}}}}}")
        stack.append(_Open([], None, "inline", _unquote(words[1])))
    elif tag.startswith("#"):
        block = _block(tag[1:])
        current.nodes.append(block)
        stack.append(_Open(block.body, block, block.helper))
    elif tag == "else" or tag.startswith("else "):
        if current.block is None or current.block.inverse is not None:
            raise InvalidTemplate("Invalid template: {{else}} outside a block")
        rest = tag[4:].strip()
        if rest:
            # "{{else if x}}" chains a block that the outer block's closing tag also closes
            chained = _block(rest)
            current.block.inverse = [chained]
            current.block, current.nodes = chained, chained.body
        else:
            current.block.inverse = []
            current.nodes = current.block.inverse
    elif tag.startswith("/"):
        name = tag[1:].strip()
        if len(stack) == 1 or current.closes != name:
            raise InvalidTemplate(f"Invalid template: unexpected {{{{/{name}}}}}")
        stack.pop()
        if current.inline is not None:
            partials[current.inline] = tuple(current.nodes)
    elif tag.startswith(">"):
        current.nodes.append(_Partial(_unquote(tag[1:].strip())))
    elif not tag:
        raise InvalidTemplate("Invalid template: empty expression {{}}")
    else:
        current.nodes.append(_Value(tag.split()[0]))


def _unquote(text: str) -> str:
    return text.strip().strip("'\"")


@dataclass(frozen=True)
class _Frame:
    context: Any
    parent: _Frame | None
    data: Mapping[str, Any]


def _render(nodes: Sequence[_Node], frame: _Frame, partials: Mapping[str, tuple[_Node, ...]], out: list[str]) -> None:
    for node in nodes:
        if isinstance(node, _Text):
            out.append(node.text)
        elif isinstance(node, _Value):
            out.append(_display(_lookup(node.path, frame)))
        elif isinstance(node, _Partial):
            if node.name not in partials:
                # SES: InvalidTemplate "may occur when a template refers to a partial that does not exist"
                raise InvalidTemplate(f"Template references a partial that does not exist: {node.name}")
            _render(partials[node.name], frame, partials, out)
        else:
            _render_block(node, frame, partials, out)


def _render_block(block: _Block, frame: _Frame, partials: Mapping[str, tuple[_Node, ...]], out: list[str]) -> None:
    value = _lookup(block.argument, frame) if block.argument else None
    inverse = block.inverse or []
    if block.helper in ("if", "unless"):
        chosen = _truthy(value) != (block.helper == "unless")
        _render(block.body if chosen else inverse, frame, partials, out)
    elif block.helper == "with":
        if _truthy(value):
            _render(block.body, _Frame(value, frame, frame.data), partials, out)
        else:
            _render(inverse, frame, partials, out)
    else:
        items: list[tuple[Any, Any]]
        if isinstance(value, Mapping):
            items = list(value.items())
        elif isinstance(value, list):
            items = list(enumerate(value))
        else:
            items = []
        if not items:
            _render(inverse, frame, partials, out)
        for number, (key, item) in enumerate(items):
            data = {
                **frame.data,
                "index": number,
                "key": key,
                "first": number == 0,
                "last": number == len(items) - 1,
            }
            _render(block.body, _Frame(item, frame, data), partials, out)


def _lookup(path: str, frame: _Frame) -> Any:
    if path.startswith("@"):
        head, _, rest = path[1:].partition(".")
        value = frame.data.get(head)
        return _walk(value, rest.split(".") if rest else [])
    current: _Frame = frame
    while path.startswith("../"):
        path = path[3:]
        current = current.parent or current
    if path in ("this", "."):
        return current.context
    if path.startswith(("this.", "./")):
        path = path.split(".", 1)[1] if path.startswith("this.") else path[2:]
    return _walk(current.context, [part for part in re.split(r"[./]", path) if part])


def _walk(value: Any, parts: Sequence[str]) -> Any:
    for part in parts:
        if isinstance(value, Mapping):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def _truthy(value: Any) -> bool:
    # Handlebars' if: false, null, undefined, "", 0 and [] are false; an empty object is true
    if isinstance(value, Mapping):
        return True
    return bool(value)


def _display(value: Any) -> str:
    """A value as JavaScript would print it into the template."""
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return ",".join(_display(item) for item in value)
    if isinstance(value, Mapping):
        return "[object Object]"
    return str(value)
