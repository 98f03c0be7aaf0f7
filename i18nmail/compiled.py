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
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import jinja2
from jinja2 import nodes, pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from .catalogs import _FORMAT_RE, Translator
from .typography import isolate

__all__ = ["CompiledScenario", "LocaleConstants", "NotCompilable", "compile_scenario"]

#: The filters a compiled template calls: value escaping for the HTML part and
#: Unicode isolates for right-to-left plain text.
HOLE_TEXT = "__i18nmail_text"
METHOD = "__i18nmail_method"
APPLY = "__i18nmail_apply"
#: Callables that take the template context: called the way Jinja calls them.
_CONTEXT_FUNCTIONS = frozenset({"_", "gettext", "pgettext", "ngettext", "npgettext", "setting"})
HOLE_ATTR = "__i18nmail_attr"
ISOLATE = "__i18nmail_isolate"

_MESSAGE_CALLS = {"_": 0, "gettext": 0, "pgettext": 1}
_MARKER = "<!--i18nmail:{}-->"
_MARKER_RE = re.compile(r"<!--i18nmail:(\d+)-->|&lt;!--i18nmail:(\d+)--&gt;")
_TAG_RE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)")
_COMMENT_RE = re.compile(r"<!--.*?-->", re.S)
_RAW_TEXT = ("style", "script", "textarea", "xmp", "iframe", "noembed", "noframes", "plaintext")


class NotCompilable(Exception):  # noqa: N818 - a verdict, not an error the caller sees
    """The template uses something the compiler does not handle; render it in full.

    ``uptodate`` holds the checks that tell when the templates read have changed.
    """

    uptodate: tuple[Callable[[], bool], ...] = ()


@dataclass(frozen=True)
class LocaleConstants:
    """Everything a compiled template may treat as constant for one locale."""

    translator: Translator
    language: str
    direction: str
    names: Mapping[str, Any]  # locale, lang, dir, font_stack, line_height, layout, components, channel
    shop: Any


@dataclass
class CompiledScenario:
    """The subject, preheader and text templates and the HTML template of one
    scenario in one locale."""

    subject: jinja2.Template
    preheader: jinja2.Template
    text: jinja2.Template
    html: jinja2.Template
    html_inlined: bool
    uptodate: tuple[Callable[[], bool], ...] = field(default=())

    def is_up_to_date(self) -> bool:
        return all(check() for check in self.uptodate)

    def render_text(self, variables: dict[str, Any]) -> tuple[str, str, str]:
        """Subject, preheader and plain text from one context, in that order.

        *variables* holds the environment's globals and the render's values;
        the context takes it over (it is not copied).
        """
        ctx = _context(self.text, variables)
        return ("".join(self.subject.root_render_func(ctx)), "".join(self.preheader.root_render_func(ctx)),
                "".join(self.text.root_render_func(ctx)))

    def render_html(self, variables: dict[str, Any]) -> str:
        return "".join(self.html.root_render_func(_context(self.html, variables)))


def _context(template: jinja2.Template, variables: dict[str, Any]) -> Context:
    """The context ``template.new_context(variables, shared=True)`` makes, without
    walking the ChainMap of globals twice per render: *variables* already holds
    the environment's globals, and the compiled templates define no blocks."""
    env = template.environment
    return env.context_class(env, variables, template.name, {})


# -- values in the HTML part, as the CSS inliner's serialiser writes them ---------------

def hole_text(value: Any) -> str:
    """*value* as text of an HTML element, escaped as the inliner re-serialises
    it (``&amp; &lt; &gt; &nbsp;``; quotes as they are)."""
    if hasattr(value, "__html__"):
        text = str(value.__html__())
        if "&#" in text:
            text = text.replace("&#39;", "'").replace("&#34;", '"')
    else:
        text = str(value)
        if "&" in text:
            text = text.replace("&", "&amp;")
        if "<" in text or ">" in text:
            text = text.replace("<", "&lt;").replace(">", "&gt;")
    if "\xa0" in text:
        text = text.replace("\xa0", "&nbsp;")
    if "\r" in text or "\x00" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    return text


def hole_attr(value: Any) -> str:
    """*value* inside a double-quoted attribute, escaped as the inliner
    re-serialises it (``&amp; &quot; &nbsp;``)."""
    if hasattr(value, "__html__"):
        text = str(value.__html__())
        text = (text.replace("&#39;", "'").replace("&#34;", "&quot;").replace("&lt;", "<")
                .replace("&gt;", ">"))
    else:
        text = str(value).replace("&", "&amp;").replace('"', "&quot;")
    text = text.replace("\xa0", "&nbsp;")
    if "\r" in text or "\x00" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "\ufffd")
    return text


@pass_context
def apply(context: Context, function: Any, *args: Any, **kwargs: Any) -> Any:
    """``function(*args, **kwargs)``; through the context when *function* asks for it."""
    if hasattr(function, "jinja_pass_arg"):
        return context.call(function, *args, **kwargs)
    return function(*args, **kwargs)


@pass_context
def method(context: Context, obj: Any, name: str, *args: Any, **kwargs: Any) -> Any:
    """``obj.name(*args, **kwargs)`` as a template calls it."""
    function = context.environment.getattr(obj, name)
    if hasattr(function, "jinja_pass_arg"):
        return context.call(function, *args, **kwargs)
    return function(*args, **kwargs)


_HELPERS = {HOLE_TEXT: hole_text, HOLE_ATTR: hole_attr, ISOLATE: isolate, METHOD: method, APPLY: apply}


# -- the source: a scenario, its layout and its component modules ----------------------

@dataclass
class _Module:
    name: str
    macros: dict[str, nodes.Macro]
    imports: dict[str, str]
    consts: dict[str, Any]
    tree: nodes.Template


@dataclass
class _Scope:
    """What a name means where it is used: a constant, an imported module or a macro."""

    consts: dict[str, Any]
    modules: dict[str, _Module]
    macros: dict[str, tuple[_Module, nodes.Macro]]
    #: Names bound by the template around this point ({% set %}, loops, arguments):
    #: an expanded macro must not read one of them where the macro reads the context.
    locals: frozenset[str] = frozenset()

    def without(self, names: Iterable[str]) -> _Scope:
        names = set(names)
        bound = self.locals | names
        if not names & (self.consts.keys() | self.modules.keys() | self.macros.keys()):
            return self if bound == self.locals else _Scope(self.consts, self.modules, self.macros, bound)
        return _Scope({k: v for k, v in self.consts.items() if k not in names},
                      {k: v for k, v in self.modules.items() if k not in names},
                      {k: v for k, v in self.macros.items() if k not in names}, bound)


class Sources:
    """The parsed templates of one environment, shared by every compilation
    (the compiler never changes a parsed tree) and parsed again when a file
    changed (auto-reload)."""

    def __init__(self, env: jinja2.Environment) -> None:
        self.env = env
        self._parsed: dict[str, tuple[nodes.Template, Callable[[], bool] | None]] = {}
        self._modules: dict[str, _Module] = {}
        self.used: dict[str, Callable[[], bool] | None] = {}
        self._names: dict[int, tuple[nodes.Node, frozenset[str]]] = {}
        self._free: dict[int, tuple[nodes.Macro, frozenset[str]]] = {}
        self._checked: list[nodes.Template] = []

    def parse(self, name: str) -> nodes.Template:
        cached = self._parsed.get(name)
        if cached is not None and (cached[1] is None or cached[1]()):
            self.used[name] = cached[1]
            return cached[0]
        assert self.env.loader is not None
        source, filename, uptodate = self.env.loader.get_source(self.env, name)
        tree = self.env.parse(source, name, filename)
        if cached is not None:
            self._modules = {}  # a module may import the changed file
        self._parsed[name] = (tree, uptodate)
        self.used[name] = uptodate
        return tree

    def names_in(self, node: nodes.Node) -> frozenset[str]:
        """Every name *node* mentions (cached: the tree never changes)."""
        found = self._names.get(id(node))
        if found is None or found[0] is not node:
            found = self._names[id(node)] = (node, frozenset(n.name for n in node.find_all(nodes.Name)))
        return found[1]

    def free_names(self, macro: nodes.Macro) -> frozenset[str]:
        """The names *macro* reads from the template context (not its arguments or its own sets)."""
        found = self._free.get(id(macro))
        if found is None or found[0] is not macro:
            loaded = {n.name for n in macro.find_all(nodes.Name) if n.ctx == "load"}
            bound = {n.name for n in macro.find_all(nodes.Name) if n.ctx in ("store", "param")}
            bound |= {arg.name for arg in macro.args}
            found = self._free[id(macro)] = (macro, frozenset(loaded - bound))
        return found[1]

    def first_check(self, tree: nodes.Template) -> bool:
        """True the first time *tree* is checked (a parsed tree is checked once)."""
        if any(seen is tree for seen in self._checked):
            return False
        self._checked.append(tree)
        return True

    def module(self, name: str) -> _Module:
        tree = self.parse(name)
        if name not in self._modules or self._modules[name].tree is not tree:
            macros: dict[str, nodes.Macro] = {}
            imports: dict[str, str] = {}
            consts: dict[str, Any] = {}
            self._modules[name] = module = _Module(name, macros, imports, consts, tree)
            for node in tree.body:
                if isinstance(node, nodes.Macro):
                    macros[node.name] = node
                elif isinstance(node, nodes.Import) and node.with_context and isinstance(node.template, nodes.Const):
                    imports[node.target] = node.template.value
                elif isinstance(node, nodes.Assign) and isinstance(node.target, nodes.Name):
                    consts[node.target.name] = _const(node.node, self.env)
                elif not _blank(node):
                    raise NotCompilable(f"{name}: top-level {type(node).__name__}")
        for target in self._modules[name].imports.values():
            self.module(target)
        return self._modules[name]


def _blank(node: nodes.Node) -> bool:
    return isinstance(node, nodes.Output) and all(
        isinstance(n, nodes.TemplateData) and not n.data.strip() for n in node.nodes)


def _const(node: nodes.Node, env: jinja2.Environment) -> Any:
    try:
        return node.as_const(nodes.EvalContext(env))
    except (nodes.Impossible, AttributeError, TypeError) as exc:
        raise NotCompilable(f"not a constant: {node!r}") from exc


_NOT_CONST = object()


def _value(node: nodes.Node) -> Any:
    """The constant *node* stands for, or ``_NOT_CONST``."""
    if isinstance(node, nodes.Const):
        return node.value
    if isinstance(node, nodes.MarkSafe) and isinstance(node.expr, nodes.Const):
        return Markup(node.expr.value)
    return _NOT_CONST


def _is_pure(node: nodes.Node) -> bool:
    """Reading *node* has no effect and cannot fail before its value is used."""
    if _value(node) is not _NOT_CONST:
        return True
    if isinstance(node, nodes.Name):
        return True
    return isinstance(node, nodes.Getattr) and _is_pure(node.node)


# -- the compiler -------------------------------------------------------------------------

class _Compiler:
    def __init__(self, env: jinja2.Environment, sources: Sources, constants: LocaleConstants) -> None:
        self.env = env
        self.sources = sources
        self.c = constants
        self.autoescape = bool(env.autoescape) if not callable(env.autoescape) else False
        self.blocks: dict[str, list[nodes.Node]] = {}
        self.spliced: set[str] = set()
        self.hoists: list[nodes.Node] = []
        self.stored: frozenset[str] = frozenset()
        self.names: list[str] = []
        self.conditional = 0
        self.needed: dict[str, nodes.Macro] = {}
        self.depth = 0

    # statements

    def stmts(self, body: list[nodes.Node], scope: _Scope) -> list[nodes.Node]:
        out: list[nodes.Node] = []
        for node in body:
            saved, self.hoists = self.hoists, []
            done_here = self.stmt(node, scope)
            done_here, self.hoists = self.hoists + done_here, saved
            if isinstance(node, (nodes.Assign, nodes.AssignBlock, nodes.If)):
                # What a statement sets is visible to the ones after it.
                scope = scope.without(_stored(node.target) if not isinstance(node, nodes.If) else
                                      [n.name for n in node.find_all(nodes.Name) if n.ctx == "store"])
            for done in done_here:
                if isinstance(done, nodes.Output) and out and isinstance(out[-1], nodes.Output):
                    out[-1] = nodes.Output(_as_data(out[-1].nodes + done.nodes, self.autoescape),
                                           lineno=out[-1].lineno)
                else:
                    out.append(done)
        return out

    def stmt(self, node: nodes.Node, scope: _Scope) -> list[nodes.Node]:
        if isinstance(node, nodes.Output):
            return self.output(node, scope)
        if isinstance(node, nodes.If):
            return self.if_(node, scope)
        if isinstance(node, nodes.For):
            if node.recursive:
                raise NotCompilable("recursive for loop")
            inner = scope.without(_stored(node.target))
            iterable = self.expr(node.iter, scope)
            self.conditional += 1  # the filter runs once per item
            try:
                test = None if node.test is None else self.expr(node.test, inner)
            finally:
                self.conditional -= 1
            return [nodes.For(node.target, iterable, self.stmts(node.body, inner), self.stmts(node.else_, scope),
                              test, False, lineno=node.lineno)]
        if isinstance(node, nodes.Assign):
            return self.assign(node, scope)
        if isinstance(node, nodes.AssignBlock):
            if node.filter is not None:
                raise NotCompilable("{% set %} block with a filter")
            return [nodes.AssignBlock(node.target, None, self.stmts(node.body, scope), lineno=node.lineno)]
        if isinstance(node, nodes.ExprStmt):
            return [nodes.ExprStmt(self.expr(node.node, scope), lineno=node.lineno)]
        if isinstance(node, nodes.With):
            targets = [t for target in node.targets for t in _stored(target)]
            return [nodes.With(node.targets, [self.expr(v, scope) for v in node.values],
                               self.stmts(node.body, scope.without(targets)), lineno=node.lineno)]
        if isinstance(node, nodes.Scope):
            return [nodes.Scope(self.stmts(node.body, scope), lineno=node.lineno)]
        if isinstance(node, nodes.Block):
            if node.name not in self.blocks:
                raise NotCompilable(f"block {node.name!r} has no content")
            return self.splice(node.name)
        raise NotCompilable(f"{type(node).__name__} at line {node.lineno}")

    def if_(self, node: nodes.If, scope: _Scope) -> list[nodes.Node]:
        test = self.expr(node.test, scope)
        decided = _value(test)
        if decided is not _NOT_CONST:
            if decided:
                return self.stmts(node.body, scope)
            if node.elif_:
                first = node.elif_[0]
                return self.if_(nodes.If(first.test, first.body, node.elif_[1:], node.else_, lineno=first.lineno),
                                scope)
            return self.stmts(node.else_, scope)
        if node.elif_:
            saved, self.hoists = self.hoists, []
            rest = self.if_(nodes.If(node.elif_[0].test, node.elif_[0].body, node.elif_[1:], node.else_), scope)
            rest, self.hoists = self.hoists + rest, saved
        else:
            rest = self.stmts(node.else_, scope)
        return [nodes.If(test, self.stmts(node.body, scope), [], rest, lineno=node.lineno)]

    def assign(self, node: nodes.Assign, scope: _Scope) -> list[nodes.Node]:
        target, value = node.target, node.node
        if isinstance(target, nodes.Name):
            called = self.macro_of(value, scope)
            if called is not None:
                return [nodes.AssignBlock(target, None, self.inline(called, value, scope), lineno=node.lineno)]
            if isinstance(value, nodes.CondExpr) and value.expr2 is not None and (
                    self.macro_of(value.expr1, scope) or self.macro_of(value.expr2, scope)):
                return self.if_(nodes.If(value.test, [nodes.Assign(target, value.expr1, lineno=node.lineno)], [],
                                         [nodes.Assign(target, value.expr2, lineno=node.lineno)],
                                         lineno=node.lineno), scope)
        return [nodes.Assign(target, self.expr(value, scope), lineno=node.lineno)]

    def output(self, node: nodes.Output, scope: _Scope) -> list[nodes.Node]:
        out: list[nodes.Node] = []
        pending: list[nodes.Expr] = []

        def flush() -> None:
            if pending:
                out.append(nodes.Output(_as_data(list(pending), self.autoescape), lineno=node.lineno))
                pending.clear()

        for child in node.nodes:
            called = self.macro_of(child, scope)
            block = _self_block(child)
            if called is not None:
                flush()
                inlined = self.inline(called, child, scope)
                out.extend(self.hoists)  # values of macros in its arguments come first
                self.hoists.clear()
                out.extend(inlined)
            elif block is not None:
                flush()
                if block not in self.blocks:
                    raise NotCompilable(f"self.{block}() names no block")
                out.extend(self.splice(block))
            else:
                value = self.expr(child, scope)
                if self.hoists:
                    flush()
                    out.extend(self.hoists)
                    self.hoists.clear()
                pending.append(value)
        flush()
        return out

    def splice(self, name: str) -> list[nodes.Node]:
        """A compiled block's statements, copied when used a second time."""
        if name in self.spliced:
            return copy.deepcopy(self.blocks[name], memo={id(self.env): self.env})
        self.spliced.add(name)
        return self.blocks[name]

    # macros

    def macro_of(self, node: nodes.Node, scope: _Scope) -> tuple[_Module, nodes.Macro] | None:
        """The component macro *node* calls, if it is a call of one."""
        if not isinstance(node, nodes.Call):
            return None
        target = node.node
        if isinstance(target, nodes.Getattr) and isinstance(target.node, nodes.Name) \
                and target.node.name in scope.modules:
            module = scope.modules[target.node.name]
            if target.attr not in module.macros:
                raise NotCompilable(f"{module.name} has no macro {target.attr!r}")
            return module, module.macros[target.attr]
        if isinstance(target, nodes.Name) and target.name in scope.macros:
            return scope.macros[target.name]
        return None

    def module_scope(self, module: _Module, bound: frozenset[str] = frozenset()) -> _Scope:
        return _Scope({**self.c.names, **module.consts},
                      {alias: self.sources.module(name) for alias, name in module.imports.items()},
                      {name: (module, macro) for name, macro in module.macros.items()}, bound)

    def check_capture(self, module: _Module, macro: nodes.Macro, bound: Iterable[str]) -> None:
        """Refuse to expand *macro* where the template binds a name the macro reads
        from the context: expanded, it would read the template's value instead."""
        captured = (self.sources.free_names(macro) - module.consts.keys()) & set(bound)
        if captured:
            raise NotCompilable(f"macro {macro.name!r} reads {sorted(captured)} from the context, "
                                "which the template also binds")

    def bind(self, macro: nodes.Macro, call: nodes.Call, scope: _Scope) -> list[tuple[str, nodes.Expr]]:
        if call.dyn_args is not None or call.dyn_kwargs is not None:
            raise NotCompilable("*args or **kwargs in a macro call")
        if self.sources.names_in(macro) & {"caller", "varargs", "kwargs"}:
            raise NotCompilable(f"macro {macro.name!r} uses caller, varargs or kwargs")
        params = [arg.name for arg in macro.args]
        if len(call.args) > len(params):
            raise NotCompilable(f"too many arguments for {macro.name!r}")
        given: dict[str, nodes.Expr] = dict(zip(params, call.args, strict=False))
        for keyword in call.kwargs:
            if keyword.key not in params or keyword.key in given:
                raise NotCompilable(f"argument {keyword.key!r} for {macro.name!r}")
            given[keyword.key] = keyword.value
        defaults = dict(zip(params[len(params) - len(macro.defaults):], macro.defaults, strict=True))
        bound = []
        for name in params:
            if name in given:
                bound.append((name, self.expr(given[name], scope)))
            elif name in defaults:
                bound.append((name, self.expr(defaults[name], self.module_scope_for(macro))))
            else:
                raise NotCompilable(f"missing argument {name!r} for {macro.name!r}")
        return bound

    def module_scope_for(self, macro: nodes.Macro) -> _Scope:
        return _Scope(dict(self.c.names), {}, {})

    def inline(self, called: tuple[_Module, nodes.Macro], call: nodes.Node, scope: _Scope) -> list[nodes.Node]:
        """The statements of a macro called as a statement, its arguments bound."""
        assert isinstance(call, nodes.Call)
        module, macro = called
        self.depth += 1
        if self.depth > 20:
            raise NotCompilable("macros nested too deep")
        bound = self.bind(macro, call, scope)
        self.check_capture(module, macro, scope.locals)
        inner = self.module_scope(module, scope.locals).without(name for name, _ in bound)
        consts = {name: _value(value) for name, value in bound if _value(value) is not _NOT_CONST}
        inner.consts.update(consts)
        dynamic = [(name, value) for name, value in bound if name not in consts]
        body = self.stmts(macro.body, inner)
        self.depth -= 1
        if not dynamic:
            return body
        return [nodes.With([nodes.Name(name, "store") for name, _ in dynamic], [value for _, value in dynamic],
                           body, lineno=call.lineno)]

    def call_macro(self, called: tuple[_Module, nodes.Macro], call: nodes.Call, scope: _Scope) -> nodes.Expr:
        """A macro called for its value: a constant when it is one, else a call
        of the macro, defined once at the top of the compiled template."""
        module, macro = called
        bound = self.bind(macro, call, scope)
        if all(_value(value) is not _NOT_CONST for _, value in bound):
            body = self.inline(called, call, scope)
            if all(isinstance(n, nodes.Output) and all(isinstance(d, nodes.TemplateData) for d in n.nodes)
                   for n in body):
                data = "".join(d.data for n in body for d in n.nodes)
                return nodes.MarkSafe(nodes.Const(data)) if self.autoescape else nodes.Const(data)
        if not self.conditional:
            # Evaluated anyway with its statement: expanded into a {% set %} block in
            # front of it, without the cost of a macro call, when nothing in it
            # records a fallback (whose order would change).
            body = self.inline(called, call, scope)
            if _quiet(body):
                name = f"__i18nmail_v{len(self.names)}"
                self.names.append(name)
                self.hoists.append(nodes.AssignBlock(nodes.Name(name, "store"), None, body, lineno=call.lineno))
                return nodes.Name(name, "load", lineno=call.lineno)
        name = f"__i18nmail_{module.name}_{macro.name}".replace("/", "_").replace(".", "_").replace("-", "_")
        if name not in self.needed:
            # Defined at the top of the compiled template, it sees every name set there.
            self.check_capture(module, macro, self.stored)
            self.needed[name] = macro  # placeholder against recursion
            params = [arg.name for arg in macro.args]
            inner = self.module_scope(module).without(params)
            self.depth += 1
            if self.depth > 20:
                raise NotCompilable("macros nested too deep")
            body = self.stmts(macro.body, inner)
            self.depth -= 1
            self.needed[name] = nodes.Macro(name, [nodes.Name(p, "param") for p in params],
                                            [self.expr(d, _Scope(dict(self.c.names), {}, {}))
                                             for d in macro.defaults], body, lineno=macro.lineno)
        return nodes.Call(nodes.Name(name, "load"), [value for _, value in bound], [], None, None,
                          lineno=call.lineno)

    # expressions

    def expr(self, node: nodes.Node, scope: _Scope) -> nodes.Expr:
        if isinstance(node, nodes.Name) and node.ctx == "load":
            if node.name in scope.consts:
                return _const_node(scope.consts[node.name], self.autoescape)
            if node.name in scope.modules or node.name in scope.macros or node.name == "self":
                raise NotCompilable(f"{node.name!r} used as a value")
            return node
        if isinstance(node, nodes.Getattr) and isinstance(node.node, nodes.Name) and node.node.name == "shop" \
                and "shop" not in scope.consts:
            value = self.env.getattr(self.c.shop, node.attr)
            if value is None or isinstance(value, (str, int, bool)):
                return _const_node(value, self.autoescape)
            return node
        if isinstance(node, nodes.Call):
            return self.call(node, scope)
        if isinstance(node, (nodes.Macro, nodes.Stmt)):
            raise NotCompilable(f"{type(node).__name__} in an expression")
        if isinstance(node, (nodes.CondExpr, nodes.And, nodes.Or)):
            return self.branching(node, scope)
        node = copy.copy(node)  # the parsed tree is shared: never changed
        for name, value in node.iter_fields():
            if isinstance(value, nodes.Node):
                setattr(node, name, self.expr(value, scope))
            elif isinstance(value, list):
                setattr(node, name, [self.expr(v, scope) if isinstance(v, nodes.Node) else v for v in value])
        if isinstance(node, nodes.Concat):
            values = [_value(part) for part in node.nodes]
            if _NOT_CONST in values:
                return node
            if self.autoescape and any(isinstance(v, Markup) for v in values):
                return _const_node(Markup("").join(values), self.autoescape)
            return _const_node("".join(str(v) for v in values), self.autoescape)
        if isinstance(node, (nodes.Compare, nodes.BinExpr, nodes.UnaryExpr, nodes.Test)) and all(
                _value(child) is not _NOT_CONST for child in node.iter_child_nodes()
                if not isinstance(child, nodes.Operand)) and all(
                _value(op.expr) is not _NOT_CONST for op in node.find_all(nodes.Operand)):
            try:
                return _const_node(node.as_const(nodes.EvalContext(self.env)), self.autoescape)
            except nodes.Impossible:
                return node
        return node

    def branching(self, node: nodes.CondExpr | nodes.And | nodes.Or, scope: _Scope) -> nodes.Expr:
        """``a if t else b``, ``a and b``, ``a or b``: only the first part is always evaluated."""
        node = copy.copy(node)
        if isinstance(node, nodes.CondExpr):
            node.test = self.expr(node.test, scope)
            test = _value(node.test)
            self.conditional += 1
            try:
                if test is not _NOT_CONST and node.expr2 is not None:
                    return self.expr(node.expr1 if test else node.expr2, scope)
                node.expr1 = self.expr(node.expr1, scope)
                node.expr2 = None if node.expr2 is None else self.expr(node.expr2, scope)
            finally:
                self.conditional -= 1
            return node
        node.left = self.expr(node.left, scope)
        self.conditional += 1
        try:
            node.right = self.expr(node.right, scope)
        finally:
            self.conditional -= 1
        return node

    def call(self, node: nodes.Call, scope: _Scope) -> nodes.Expr:
        called = self.macro_of(node, scope)
        if called is not None:
            return self.call_macro(called, node, scope)
        target = node.node
        if isinstance(target, nodes.Name) and target.name in _MESSAGE_CALLS and target.name not in scope.consts \
                and node.dyn_args is None and node.dyn_kwargs is None:
            folded = self.message(target.name, node, scope)
            if folded is not None:
                return folded
        if isinstance(target, nodes.Name) and target.name == "setting" and not node.kwargs \
                and node.dyn_args is None and node.dyn_kwargs is None:
            args = [self.expr(a, scope) for a in node.args]
            values = [_value(a) for a in args]
            if len(values) == 4 and _NOT_CONST not in values and values[0] in values[1]:
                return _const_node(values[0], self.autoescape)
            node = copy.copy(node)
            node.args = args
            return node
        node = copy.copy(node)
        node.node = self.expr(node.node, scope)
        node.args = [self.expr(a, scope) for a in node.args]
        node.kwargs = [nodes.Keyword(k.key, self.expr(k.value, scope), lineno=k.lineno) for k in node.kwargs]
        if node.dyn_args is not None:
            node.dyn_args = self.expr(node.dyn_args, scope)
        if node.dyn_kwargs is not None:
            node.dyn_kwargs = self.expr(node.dyn_kwargs, scope)
        if node.dyn_args is None and node.dyn_kwargs is None and not (
                isinstance(node.node, nodes.Name) and node.node.name in _CONTEXT_FUNCTIONS):
            # fmt.money(x), refund_window(m): a direct call, without Context.call's
            # look-up of how the callee wants to be called on every call.
            if isinstance(node.node, nodes.Getattr):
                return nodes.Filter(node.node.node, METHOD, [nodes.Const(node.node.attr), *node.args],
                                    node.kwargs, None, None, lineno=node.lineno)
            return nodes.Filter(node.node, APPLY, node.args, node.kwargs, None, None, lineno=node.lineno)
        return node

    def message(self, function: str, node: nodes.Call, scope: _Scope) -> nodes.Expr | None:
        """A constant message's translation, or ``None`` to leave the call as it is
        (a fallback, which the call records; a placeholder the call does not pass)."""
        count = _MESSAGE_CALLS[function] + 1
        if len(node.args) != count or not all(isinstance(a, nodes.Const) and isinstance(a.value, str)
                                              for a in node.args):
            return None
        msgctxt = node.args[0].value if count == 2 else None
        msgid = node.args[-1].value
        translator = self.c.translator
        found = translator.gettext(msgctxt, msgid)
        if found.problems or (found.locale != translator.primary
                              and not (found.locale is None and self.c.language == "en")):
            return None
        values = {k.key: self.expr(k.value, scope) for k in node.kwargs}
        pieces: list[str | nodes.Expr] = []
        used: set[str] = set()
        last = 0
        for match in _FORMAT_RE.finditer(found.text):
            pieces.append(found.text[last:match.start()])
            last = match.end()
            name = match.group("name")
            if name is None:
                pieces.append("%")
                continue
            if name not in values:
                return None
            used.add(name)
            pieces.append(values[name])
        pieces.append(found.text[last:])
        if any(not _is_pure(v) for k, v in values.items() if k not in used):
            return None
        return self.join(pieces)

    def join(self, pieces: list[str | nodes.Expr]) -> nodes.Expr:
        """One expression for a translation's literal pieces and values."""
        rtl = self.c.direction == "rtl"
        parts: list[nodes.Expr] = []
        text = ""
        for piece in pieces:
            if isinstance(piece, str):
                text += str(escape(piece)) if self.autoescape else piece
                continue
            constant = _value(piece)
            if constant is not _NOT_CONST:
                if self.autoescape:
                    text += f"<bdi>{escape(constant)}</bdi>" if rtl else str(escape(constant))
                else:
                    text += isolate(constant) if rtl else str(constant)
                continue
            if self.autoescape and rtl:
                text += "<bdi>"
            if text:
                parts.append(nodes.MarkSafe(nodes.Const(text)) if self.autoescape else nodes.Const(text))
            text = "</bdi>" if self.autoescape and rtl else ""
            if rtl and not self.autoescape:
                piece = nodes.Filter(piece, ISOLATE, [], [], None, None)
            parts.append(piece)
        if text:
            parts.append(nodes.MarkSafe(nodes.Const(text)) if self.autoescape else nodes.Const(text))
        if not parts:
            return nodes.MarkSafe(nodes.Const("")) if self.autoescape else nodes.Const("")
        if len(parts) == 1 and _value(parts[0]) is not _NOT_CONST:
            return parts[0]
        if self.autoescape and _value(parts[0]) is _NOT_CONST:
            parts.insert(0, nodes.MarkSafe(nodes.Const("")))  # a Markup first, so every value is escaped
        return nodes.Concat(parts)


def _quiet(body: list[nodes.Node]) -> bool:
    """Whether *body* only formats and escapes: no call that may record a fallback."""
    for node in body:
        if any(True for _ in node.find_all(nodes.Call)):
            return False
        for used in node.find_all(nodes.Filter):
            if used.name == APPLY or (used.name == METHOD and not (
                    isinstance(used.node, nodes.Name) and used.node.name == "fmt")):
                return False
    return True


def _stored(target: nodes.Node) -> list[str]:
    return [n.name for n in target.find_all(nodes.Name)] if not isinstance(target, nodes.Name) else [target.name]


def _self_block(node: nodes.Node) -> str | None:
    if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Getattr) \
            and isinstance(node.node.node, nodes.Name) and node.node.node.name == "self" \
            and not node.args and not node.kwargs:
        return str(node.node.attr)
    return None


def _const_node(value: Any, autoescape: bool) -> nodes.Expr:
    if isinstance(value, Markup):
        return nodes.MarkSafe(nodes.Const(str(value)))
    if value is None or isinstance(value, (str, int, float, bool)):
        return nodes.Const(value)
    if isinstance(value, tuple) and all(v is None or isinstance(v, (str, int, float, bool)) for v in value):
        return nodes.Const(value)
    raise NotCompilable(f"a constant of type {type(value).__name__}")


def _as_data(children: list[nodes.Expr], autoescape: bool) -> list[nodes.Expr]:
    """Constants in an output become template data (escaped as the output
    would escape them); neighbouring data is merged."""
    out: list[nodes.Expr] = []
    for child in children:
        value = _value(child)
        if value is not _NOT_CONST:
            if autoescape and not isinstance(value, Markup):
                data = str(escape(value))
            else:
                data = str(value)
            child = nodes.TemplateData(data)
        elif isinstance(child, nodes.TemplateData):
            child = nodes.TemplateData(child.data)  # inline_once rewrites it
        elif isinstance(child, nodes.Concat) and all(
                isinstance(p, nodes.MarkSafe) or not autoescape for p in child.nodes[:1]):
            # A translation with values: its pieces become data and values of the output.
            for part in child.nodes:
                out.extend(_as_data([part], autoescape))
            continue
        if isinstance(child, nodes.TemplateData) and out and isinstance(out[-1], nodes.TemplateData):
            out[-1] = nodes.TemplateData(out[-1].data + child.data)
        elif not (isinstance(child, nodes.TemplateData) and not child.data):
            out.append(child)
    return out


# -- CSS inlined once -----------------------------------------------------------------------

def _walk(body: list[nodes.Node]) -> Iterator[tuple[nodes.Output, int] | None]:
    """Each output piece of *body* in document order (``(output, index)``);
    ``None`` where the output of a {% set %} block or macro starts and ends."""
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
_STYLE_RE = re.compile(r"<style[^>]*>(.*?)</style>", re.S | re.I)


def _check_values(body: list[nodes.Node], extra: Iterable[nodes.Node], markup: str) -> None:
    """Markup built as a value ({% set %} blocks, macros called for their value)
    never meets the inliner, so it may only be the <bdi> isolates of
    right-to-left values, and only while no CSS rule could match them."""
    excluded = [n for node in body for n in ([node] if isinstance(node, (nodes.AssignBlock, nodes.Macro))
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


# -- putting it together --------------------------------------------------------------------

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
        elif not _blank(node):
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
    fixed = set(names) | {"shop", "self"}
    for tree in trees:
        for name in tree.find_all(nodes.Name):
            if name.ctx in ("store", "param") and name.name in fixed:
                raise NotCompilable(f"the template assigns {name.name!r}")
        for node in tree.find_all((nodes.Include, nodes.FromImport, nodes.CallBlock, nodes.FilterBlock,
                                   nodes.OverlayScope, nodes.EvalContextModifier)):
            raise NotCompilable(f"{type(node).__name__} is not compiled")


def _channel(sources: Sources, name: str, constants: LocaleConstants,
             layout: str, components: str, channel: str) -> tuple[dict[str, list[nodes.Node]], list[nodes.Node],
                                                    dict[str, nodes.Macro]]:
    env = sources.env
    names = {**constants.names, "layout": layout, "components": components, "channel": channel}
    consts = LocaleConstants(constants.translator, constants.language, constants.direction, names,
                             constants.shop)
    _, imports, blocks = _scenario_parts(sources, name)
    layout_tree = sources.parse(layout)
    trees = [sources.parse(name), layout_tree]
    compiler = _Compiler(env, sources, consts)
    modules: dict[str, _Module] = {}
    for alias, target in imports.items():
        module_name = target[1:] if target.startswith("=") else names.get(target)
        if not isinstance(module_name, str):
            raise NotCompilable(f"import of {target!r}")
        modules[alias] = sources.module(module_name)
    for module in list(sources._modules.values()):
        trees.append(sources.parse(module.name))
    _guard_constants([t for t in trees if sources.first_check(t)], names)
    compiler.stored = frozenset(n.name for tree in trees for n in tree.find_all(nodes.Name)
                                if n.ctx in ("store", "param"))
    scope = _Scope(dict(names), modules, {})
    filled = {**_layout_blocks(layout_tree), **blocks}
    # Blocks in the order the layout uses them do not depend on each other
    # except through self.<block>(), which the layout's own calls resolve.
    for block_name, block_body in filled.items():
        compiler.blocks[block_name] = compiler.stmts(block_body, scope if block_name in blocks
                                                     else _Scope(dict(names), {}, {}))
    layout_body = compiler.stmts(layout_tree.body, _Scope(dict(names), {}, {}))
    compiled_blocks = dict(compiler.blocks)
    return compiled_blocks, layout_body, compiler.needed


def _template(env: jinja2.Environment, body: list[nodes.Node], macros: Mapping[str, nodes.Macro]) -> jinja2.Template:
    used = {n.name for node in body for n in node.find_all(nodes.Name)}
    preamble: list[nodes.Node] = []
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
        for helper, function in _HELPERS.items():
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
    text_blocks, text_body, text_macros = _channel(
        text_sources, name, constants, "layouts/email.txt.j2", "components/text.j2", "text")
    html_blocks, html_body, html_macros = _channel(
        html_sources, name, constants, "layouts/email.html.j2", "components/html.j2", "html")
    for required in ("subject", "preheader"):
        if required not in text_blocks:
            raise NotCompilable(f"no {required} block")
    if inline is not None:
        inline_once(html_body, inline, html_macros.values())
    try:
        return CompiledScenario(
            subject=_template(text_env, text_blocks["subject"], text_macros),
            preheader=_template(text_env, text_blocks["preheader"], text_macros),
            text=_template(text_env, text_body, text_macros),
            html=_template(html_env, html_body, html_macros),
            html_inlined=inline is not None,
            uptodate=_checks(text_sources, html_sources),
        )
    except jinja2.TemplateError as exc:
        raise NotCompilable(f"the compiled template does not compile: {exc}") from exc
