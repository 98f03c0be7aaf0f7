"""Scenario templates compiled once per locale, so an email only fills in its values.

A render through the full templates does, for every email, work that is the
same for every customer of a locale: it imports the component macros, calls
them, looks up and escapes every sentence, and inlines the CSS into the whole
HTML document. :func:`compile_scenario` does that work once for one
(scenario, locale) and returns a :class:`CompiledScenario`:

* the layout's ``{% block %}`` slots are filled with the scenario's blocks and
  every component macro called as a statement (``{{ ui.p(...) }}``) is
  expanded in place, its arguments bound with ``{% with %}``;
* every ``_``/``gettext``/``pgettext`` call with a constant message is
  replaced by its translation: a constant, or a concatenation of the
  translation's pieces and the escaped (and, right to left, isolated) values;
* names that cannot change within a locale (``locale``, ``lang``, ``dir``,
  ``font_stack``, ``line_height``, the shop's settings) become constants, and
  ``{% if %}`` tests on them are decided at compile time;
* in the HTML part, the template's markup is put through the CSS inliner once,
  as one document with a marker comment wherever a value or a branch goes;
  each value is then escaped the way the inliner's serialiser writes text or
  an attribute, so the result is byte for byte the email the full path gives.

What the compiler does not understand (a shop's template using ``caller``,
``super()``, includes, a name it cannot prove constant, markup the inliner
would restructure) raises :class:`NotCompilable`; such a scenario keeps
rendering through the full templates. Sentences that fall back to another
language, plural forms and translators' settings are left as calls, so their
fallbacks are recorded exactly as before.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.runtime import Context

from .compiler_base import (
    FILTERS,
    LocaleConstants,
    Module,
    NotCompilable,
    PluralTable,
    Scope,
    Sources,
    blank,
)
from .inline_once import inline_once
from .specialize import Specializer

__all__ = ["CompiledScenario", "LocaleConstants", "NotCompilable", "Sources", "compile_scenario"]

#: Between subject, preheader and text in the output of the one text template
#: (a customer's text never holds a NUL: the context's text fields drop them).
SEPARATOR = "\x00i18nmail\x00"


@dataclass
class CompiledScenario:
    """The text template (subject, preheader and plain text in one pass) and the
    HTML template of one scenario in one locale."""

    text: jinja2.Template
    html: jinja2.Template
    html_inlined: bool
    uptodate: tuple[Callable[[], bool], ...] = field(default=())
    #: The plural sentences its templates name (kept alive with them).
    tables: tuple[PluralTable, ...] = field(default=())

    def render_text(self, variables: dict[str, Any]) -> tuple[str, str, str]:
        """Subject, preheader and plain text from one context, in that order.

        *variables* holds the environment's globals and the render's values;
        the context takes it over (it is not copied).
        """
        parts = "".join(self.text.root_render_func(_context(self.text, variables))).split(SEPARATOR)
        if len(parts) != 3:
            raise ValueError("a value holds the compiled template's separator")  # the full path renders it
        return parts[0], parts[1], parts[2]

    def render_html(self, variables: dict[str, Any]) -> str:
        return "".join(self.html.root_render_func(_context(self.html, variables)))


def _context(template: jinja2.Template, variables: dict[str, Any]) -> Context:
    """The context ``template.new_context(variables, shared=True)`` makes, without
    walking the ChainMap of globals twice per render: *variables* already holds
    the environment's globals, and the compiled templates define no blocks."""
    env = template.environment
    return env.context_class(env, variables, template.name, {})


def _scenario_parts(sources: Sources, name: str) -> tuple[str, dict[str, str], dict[str, list[nodes.Node]]]:
    """The layout variable's use, the imports and the blocks of a scenario template."""
    tree = sources.parse(name)
    extends: str | None = None
    imports: dict[str, str] = {}
    blocks: dict[str, list[nodes.Node]] = {}
    for node in tree.body:
        if isinstance(node, nodes.Extends):
            if not (isinstance(node.template, nodes.Name) and node.template.name == "layout") or extends:
                raise NotCompilable("extends something other than the layout variable")
            extends = "layout"
        elif isinstance(node, nodes.Import) and node.with_context and isinstance(
                node.template, (nodes.Name, nodes.Const)):
            imports[node.target] = (node.template.name if isinstance(node.template, nodes.Name)
                                    else "=" + node.template.value)
        elif isinstance(node, nodes.Block):
            if node.scoped or node.required:
                raise NotCompilable("scoped or required block")
            blocks[node.name] = node.body
        elif not blank(node):
            raise NotCompilable(f"top-level {type(node).__name__} in the scenario")
    if extends is None:
        raise NotCompilable("the scenario does not extend the layout")
    for block in blocks.values():
        for found in (n for b in block for n in b.find_all(nodes.Name)):
            if found.name == "super":
                raise NotCompilable("super() in a block")
    return extends, imports, blocks


def _layout_blocks(tree: nodes.Template) -> dict[str, list[nodes.Node]]:
    return {block.name: block.body for block in tree.find_all(nodes.Block)}


def _guard_constants(trees: Iterable[nodes.Node], names: Iterable[str]) -> None:
    fixed = set(names) | {"shop", "self", "fmt"}
    for tree in trees:
        for name in tree.find_all(nodes.Name):
            if name.ctx in ("store", "param") and name.name in fixed:
                raise NotCompilable(f"the template assigns {name.name!r}")
        for node in tree.find_all((nodes.Include, nodes.FromImport, nodes.CallBlock, nodes.FilterBlock,
                                   nodes.OverlayScope, nodes.EvalContextModifier)):
            raise NotCompilable(f"{type(node).__name__} is not compiled")


def _channel(sources: Sources, name: str, constants: LocaleConstants,
             layout: str, components: str, channel: str) -> tuple[Specializer, list[nodes.Node]]:
    """One channel's compiler, after it compiled the blocks, and the layout's statements."""
    env = sources.env
    names = {**constants.names, "layout": layout, "components": components, "channel": channel}
    consts = LocaleConstants(constants.translator, constants.language, constants.direction, names,
                             constants.shop)
    _, imports, blocks = _scenario_parts(sources, name)
    layout_tree = sources.parse(layout)
    trees = [sources.parse(name), layout_tree]
    compiler = Specializer(env, sources, consts)
    modules: dict[str, Module] = {}
    for alias, target in imports.items():
        module_name = target[1:] if target.startswith("=") else names.get(target)
        if not isinstance(module_name, str):
            raise NotCompilable(f"import of {target!r}")
        modules[alias] = sources.module(module_name)
    trees.extend(sources.parse(module.name) for module in sources.modules())
    _guard_constants([t for t in trees if sources.first_check(t)], names)
    compiler.stored = frozenset().union(*(sources.stored_in(tree) for tree in trees))
    scope = Scope(dict(names), modules, {})
    filled = {**_layout_blocks(layout_tree), **blocks}
    # Blocks in the order the layout uses them do not depend on each other
    # except through self.<block>(), which the layout's own calls resolve.
    for block_name, block_body in filled.items():
        compiler.blocks[block_name] = compiler.stmts(block_body, scope if block_name in blocks
                                                     else Scope(dict(names), {}, {}))
    return compiler, compiler.stmts(layout_tree.body, Scope(dict(names), {}, {}))


def _template(env: jinja2.Environment, body: list[nodes.Node], macros: Mapping[str, nodes.Macro]) -> jinja2.Template:
    used = {n.name for node in body for n in node.find_all(nodes.Name)}
    wanted = {name for name in macros if name in used}
    while True:  # macros used by the macros used
        more = {n.name for name in wanted for n in macros[name].find_all(nodes.Name) if n.name in macros} - wanted
        if not more:
            break
        wanted |= more
    preamble = [copy.deepcopy(macros[name], memo={id(env): env}) for name in sorted(wanted)]
    tree = nodes.Template(preamble + body, lineno=1)
    tree.set_environment(env)
    for node in tree.find_all(nodes.Node):
        if getattr(node, "lineno", None) is None:
            node.lineno = 1
    return env.from_string(tree)


def compile_scenario(text_sources: Sources, html_sources: Sources, name: str,
                     constants: LocaleConstants,
                     inline: Callable[[str], str] | None) -> CompiledScenario:
    """Compile scenario template *name* for one locale (see the module's docstring).

    Raises :class:`NotCompilable` when the templates use something the
    compiler does not handle.
    """
    text_sources.used.clear()
    html_sources.used.clear()
    for env in (text_sources.env, html_sources.env):
        for helper, function in FILTERS.items():
            env.filters.setdefault(helper, function)
    try:
        try:
            return _compile(text_sources, html_sources, name, constants, inline)
        except jinja2.TemplateError as exc:  # a syntax error, a missing file: the full path says where
            raise NotCompilable(f"{type(exc).__name__}: {exc}") from exc
    except NotCompilable as exc:
        exc.uptodate = _checks(text_sources, html_sources)
        raise


def _checks(*sources: Sources) -> tuple[Callable[[], bool], ...]:
    return tuple(check for source in sources for check in source.used.values() if check is not None)


def _compile(text_sources: Sources, html_sources: Sources, name: str, constants: LocaleConstants,
             inline: Callable[[str], str] | None) -> CompiledScenario:
    text_env, html_env = text_sources.env, html_sources.env
    text, text_body = _channel(text_sources, name, constants, "layouts/email.txt.j2", "components/text.j2", "text")
    html, html_body = _channel(html_sources, name, constants, "layouts/email.html.j2", "components/html.j2", "html")
    for required in ("subject", "preheader"):
        if required not in text.blocks:
            raise NotCompilable(f"no {required} block")
    if inline is not None:
        inline_once(html_body, inline, html.needed.values())
    try:
        return CompiledScenario(
            text=_template(text_env, [*text.splice("subject"), nodes.Output([nodes.TemplateData(SEPARATOR)]),
                                      *text.splice("preheader"), nodes.Output([nodes.TemplateData(SEPARATOR)]),
                                      *text_body], text.needed),
            html=_template(html_env, html_body, html.needed),
            html_inlined=inline is not None,
            uptodate=_checks(text_sources, html_sources),
            tables=tuple(text.tables + html.tables),
        )
    except jinja2.TemplateError as exc:
        raise NotCompilable(f"the compiled template does not compile: {exc}") from exc
