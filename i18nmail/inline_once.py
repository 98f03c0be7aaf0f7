"""The CSS of a compiled HTML template inlined once: the markup of the whole
template goes through the inliner as one document, with a marker comment
where each value or branch goes, and each value is escaped as the
inliner's serialiser writes it (see :mod:`i18nmail.compiled`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

from jinja2 import nodes

from .compiler_base import (
    FORMAT,
    HOLE_ATTR,
    HOLE_TEXT,
    HOLE_TITLE,
    HOLES_AS_MARKUP,
    NOT_CANONICAL,
    NotCompilable,
)

_MARKER = "<!--i18nmail:{}-->"
_MARKER_RE = re.compile(r"<!--i18nmail:(\d+)-->|&lt;!--i18nmail:(\d+)--&gt;")
_TAG_RE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)")
_COMMENT_RE = re.compile(r"<!--.*?-->", re.DOTALL)
_RAW_TEXT = ("style", "script", "textarea", "xmp", "iframe", "noembed", "noframes", "plaintext",
             "noscript")


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


def _contexts(data: list[str]) -> list[str | None]:
    """For each boundary between the pieces of markup *data* (and after the
    last), whether a value there is element text (``HOLE_TEXT``), the text of
    a <title> (``HOLE_TITLE``), sits in a double-quoted attribute
    (``HOLE_ATTR``) or cannot be placed (``None``): in a comment, raw text
    (<style>, <noscript>), a tag outside double quotes, or where the markup
    before and after it would join (``<p``, ``&amp``).

    One pass of a small tokenizer over the markup, so that a '>' inside a
    quoted attribute or a comment is not taken for the end of a tag."""
    out: list[str | None] = []
    state, element = "text", ""
    for piece in data:
        i = 0
        while True:
            if state == "text":
                j = piece.find("<", i)
                if j < 0:
                    break
                rest = piece[j:j + 80]
                match = _TAG_RE.match(rest)
                if rest.startswith("<!--"):
                    state, i = "comment", j + 4
                elif rest.startswith("<![CDATA["):  # in <svg> or <math>; else up to '>' (never placed)
                    state, i = "cdata", j + 9
                elif match is not None:
                    state, i = "tag", j + len(match.group(0))
                    element = "" if match.group(1) else match.group(2).lower()
                elif rest.startswith(("<!", "<?", "</")):
                    state, i = "bogus", j + 2  # a doctype or a bogus comment, up to '>'
                else:
                    i = j + 1
            elif state == "tag":
                found = _TAG_PART.search(piece, i)
                if found is None:
                    break
                i = found.end()
                if found.group(1):
                    state = "dq" if found.group(1) == '"' else "sq"
                else:
                    state = ("title" if element == "title" else "raw" if element in _RAW_TEXT else "text")
            elif state in ("dq", "sq"):
                j = piece.find('"' if state == "dq" else "'", i)
                if j < 0:
                    break
                state, i = "tag", j + 1
            elif state in ("comment", "bogus", "cdata"):
                end = {"comment": "-->", "bogus": ">", "cdata": "]]>"}[state]
                j = piece.find(end, i)
                if j < 0:
                    break
                state, i = "text", j + len(end)
            else:  # raw text or a title: up to its end tag (<plaintext> has none)
                j = piece.lower().find(f"</{element}", i) if element != "plaintext" else -1
                if j < 0:
                    break
                state, i = "tag", j + 2 + len(element)
                element = ""
        tail = piece[-40:]
        if _OPEN_REFERENCE.search(tail):
            out.append(None)
        elif state == "dq":
            out.append(HOLE_ATTR)
        elif state == "text" and not _OPEN_TAG.search(tail):
            out.append(HOLE_TEXT)
        elif state == "title" and not _OPEN_TAG.search(tail):
            out.append(HOLE_TITLE)
        else:
            out.append(None)
    return out


#: Markup ending where a value would continue it: a character reference or a tag begun.
_OPEN_REFERENCE = re.compile(r"&#?[A-Za-z0-9]*$")
_OPEN_TAG = re.compile(r"<[!/?]?-?$")
#: In a tag: its end, or the opening quote of an attribute value.
_TAG_PART = re.compile(r">|=[\t\n\f\r ]*([\"'])")


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
            if NOT_CANONICAL.search(_ISOLATE_TAGS.sub("", piece.data)):
                # Shown, it is written as it is, where the inliner would rewrite it.
                raise NotCompilable("markup, a bare '&' or '>' or an entity inside a {% set %} block "
                                    "or a macro used as a value")
            if "<" not in piece.data:
                continue
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
    for piece in data:
        if "i18nmail:" in piece.data:
            raise NotCompilable("the template's markup contains the compiler's marker")
    found = _contexts([d.data for d in data])
    contexts: dict[int, str] = {}
    for _, _, boundary in holes:
        context = found[boundary - 1] if boundary else None
        if context is None:
            raise NotCompilable("a value in a comment, raw text, a tag outside double quotes "
                                "or next to an unfinished tag or character reference")
        contexts[boundary] = context
    for boundary in range(1, len(data)):
        # A branch boundary may sit in text but never inside a tag or raw text.
        if boundary not in contexts and found[boundary - 1] not in (HOLE_TEXT, HOLE_TITLE):
            raise NotCompilable("a branch inside a tag, an attribute, a comment or raw text")
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
    # An output whose values are all read the same with autoescaping off is
    # written with it off (no escape() around each value); any other keeps it
    # on, so its values (a gettext call, |urlize, ~) are what the full path computes.
    escaped = {id(output) for output, index, _ in holes if not _plain(output.nodes[index])}
    for output, index, boundary in holes:
        name = contexts[boundary] if id(output) not in escaped else HOLES_AS_MARKUP[contexts[boundary]]
        output.nodes[index] = nodes.Filter(output.nodes[index], name, [], [], None, None)
    _unescaped_outputs(body, {id(output) for output, _ in pieces if id(output) not in escaped})


def _plain(node: nodes.Node) -> bool:
    """Whether *node* computes the same value with autoescaping on and off."""
    if isinstance(node, (nodes.Name, nodes.Const)):
        return True
    if isinstance(node, nodes.Getattr):
        return _plain(node.node)
    if isinstance(node, (nodes.Getitem, nodes.BinExpr, nodes.UnaryExpr)):  # Python's own operators
        return all(_plain(n) for n in node.iter_child_nodes())
    if isinstance(node, nodes.Filter) and node.name == FORMAT:  # the formatter: plain Python
        return node.node is not None and all(_plain(n) for n in node.iter_child_nodes())
    return False


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
