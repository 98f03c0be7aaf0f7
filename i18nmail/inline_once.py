"""The CSS of a compiled HTML template inlined once: the markup of the whole
template goes through the inliner as one document, with a marker comment
where each value or branch goes, and each value is escaped as the
inliner's serialiser writes it (see :mod:`i18nmail.compiled`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

from jinja2 import nodes

from .compiler_base import HOLE_ATTR, HOLE_TEXT, NotCompilable

_MARKER = "<!--i18nmail:{}-->"
_MARKER_RE = re.compile(r"<!--i18nmail:(\d+)-->|&lt;!--i18nmail:(\d+)--&gt;")
_TAG_RE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)")
_COMMENT_RE = re.compile(r"<!--.*?-->", re.DOTALL)
_RAW_TEXT = ("style", "script", "textarea", "xmp", "iframe", "noembed", "noframes", "plaintext")

def _walk(body: list[nodes.Node]) -> Iterator[tuple[nodes.Output, int]]:
    """Each output piece of *body* in document order, as ``(output, index)``,
    leaving out {% set %} blocks and macros (their output is a value)."""
    for node in body:
        if isinstance(node, nodes.Output):
            for index in range(len(node.nodes)):
                yield node, index
        elif isinstance(node, (nodes.AssignBlock, nodes.Macro)):
            continue  # their output is a value, escaped where it is shown
        elif isinstance(node, nodes.If):
            yield from _walk(node.body)
            for branch in node.elif_:
                yield from _walk([branch])
            yield from _walk(node.else_)
        elif isinstance(node, nodes.For):
            yield from _walk(node.body)
            yield from _walk(node.else_)
        elif isinstance(node, (nodes.With, nodes.Scope)):
            yield from _walk(node.body)


def _hole_context(prefix: str) -> str:
    """Whether a value after *prefix* (the markup before it) is element text
    or sits in a double-quoted attribute; raw text (<style>) cannot hold one."""
    lt, gt = prefix.rfind("<"), prefix.rfind(">")
    if lt > gt:
        inside = prefix[lt:]
        if inside.startswith("<!--"):
            raise NotCompilable("a value inside a comment")
        if inside.count('"') % 2 == 1 and "'" not in inside:
            return HOLE_ATTR
        raise NotCompilable("a value inside a tag but not in a double-quoted attribute")
    lower = prefix.lower()
    for tag in _RAW_TEXT:
        if lower.rfind(f"<{tag}") > lower.rfind(f"</{tag}"):
            raise NotCompilable(f"a value or branch inside <{tag}>")
    return HOLE_TEXT


def _tags(html: str) -> list[tuple[str, str]]:
    return [(m.group(1), m.group(2).lower()) for m in _TAG_RE.finditer(_COMMENT_RE.sub("", html))]


_ISOLATE_TAGS = re.compile(r"</?bdi>")
_STYLE_RE = re.compile(r"<style[^>]*>(.*?)</style>", re.DOTALL | re.IGNORECASE)


def _check_values(body: list[nodes.Node], extra: Iterable[nodes.Node], markup: str) -> None:
    """Markup built as a value ({% set %} blocks, macros called for their value)
    never meets the inliner, so it may only be the <bdi> isolates of
    right-to-left values, and only while no CSS rule could match them."""
    excluded: list[nodes.Node] = [n for node in body for n in ([node] if isinstance(node, (nodes.AssignBlock, nodes.Macro))
                                             else node.find_all((nodes.AssignBlock, nodes.Macro)))]
    excluded.extend(extra)
    css = " ".join(_STYLE_RE.findall(markup))
    for region in excluded:
        for piece in region.find_all(nodes.TemplateData):
            if "<" not in piece.data:
                continue
            if "<" in _ISOLATE_TAGS.sub("", piece.data):
                raise NotCompilable("markup inside a {% set %} block or a macro used as a value")
            if re.search(r"\bbdi\b|\*|\[", css):
                raise NotCompilable("the CSS may style the <bdi> isolates of values")


def inline_once(body: list[nodes.Node], inline: Callable[[str], str], extra: Iterable[nodes.Node] = ()) -> None:
    """Put the markup of *body* through the CSS inliner once, in place, and
    route every value through the escaping the inliner's serialiser uses."""
    pieces = list(_walk(body))
    data: list[nodes.TemplateData] = []
    holes: list[tuple[nodes.Output, int, int]] = []  # output, index, boundary
    for output, index in pieces:
        child = output.nodes[index]
        if isinstance(child, nodes.TemplateData):
            data.append(child)
        else:
            holes.append((output, index, len(data)))
    if not data:
        raise NotCompilable("no markup")
    _check_values(body, extra, "".join(d.data for d in data))
    skeleton = data[0].data + "".join(_MARKER.format(i) + d.data for i, d in enumerate(data[1:], 1))
    prefix_of = [""]
    for d in data:
        prefix_of.append(prefix_of[-1] + d.data)
    for piece in data:
        if "i18nmail:" in piece.data:
            raise NotCompilable("the template's markup contains the compiler's marker")
    contexts: dict[int, str] = {}
    for _, _, boundary in holes:
        if boundary not in contexts:
            contexts[boundary] = _hole_context(prefix_of[boundary])
    for boundary in range(1, len(data)):
        # A branch boundary may sit in text but never inside a tag or raw text.
        if boundary not in contexts:
            context = _hole_context(prefix_of[boundary])
            if context != HOLE_TEXT:
                raise NotCompilable("a branch inside an attribute")
    inlined = inline(skeleton)
    parts: list[str] = []
    last = 0
    expected = 1
    for match in _MARKER_RE.finditer(inlined):
        number = int(match.group(1) or match.group(2))
        if number != expected:
            raise NotCompilable("the inliner moved a value or branch")
        parts.append(inlined[last:match.start()])
        last = match.end()
        expected += 1
    parts.append(inlined[last:])
    if expected != len(data):
        raise NotCompilable("the inliner dropped a value or branch")
    if _tags(_MARKER_RE.sub("", skeleton)) != _tags(_MARKER_RE.sub("", inlined)):
        raise NotCompilable("the inliner restructures this markup (an implied <tbody> or end tag?)")
    for node, text in zip(data, parts, strict=True):
        node.data = text
    for output, index, boundary in holes:
        output.nodes[index] = nodes.Filter(output.nodes[index], contexts[boundary], [], [], None, None)
    # Everything these outputs write is final markup: no escape() around it.
    _unescaped_outputs(body, {id(output) for output, _ in pieces})


def _unescaped_outputs(body: list[nodes.Node], outputs: set[int]) -> None:
    for index in range(len(body) - 1, -1, -1):
        node = body[index]
        if id(node) in outputs:
            body[index:index + 1] = [
                nodes.EvalContextModifier([nodes.Keyword("autoescape", nodes.Const(False))]), node,
                nodes.EvalContextModifier([nodes.Keyword("autoescape", nodes.Const(True))])]
        elif isinstance(node, nodes.If):
            _unescaped_outputs(node.body, outputs)
            for branch in node.elif_:
                _unescaped_outputs(branch.body, outputs)
            _unescaped_outputs(node.else_, outputs)
        elif isinstance(node, nodes.For):
            _unescaped_outputs(node.body, outputs)
            _unescaped_outputs(node.else_, outputs)
        elif isinstance(node, (nodes.With, nodes.Scope)):
            _unescaped_outputs(node.body, outputs)
