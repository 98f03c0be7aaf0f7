"""The pieces the template compiler shares: parsed sources, scopes, constants
and the filters a compiled template calls (see :mod:`i18nmail.compiled`)."""

from __future__ import annotations

import itertools
import re
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import jinja2
from jinja2 import nodes, pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from .catalogs import _FORMAT_RE, Translator
from .memo import EXACT, PerRender
from .typography import isolate

#: The filters a compiled template calls: value escaping for the HTML part and
#: Unicode isolates for right-to-left plain text.
HOLE_TEXT = "__i18nmail_text"
METHOD = "__i18nmail_method"
FORMAT = "__i18nmail_format"
APPLY = "__i18nmail_apply"
#: Callables that take the template context: called the way Jinja calls them.
CONTEXT_FUNCTIONS = frozenset({"_", "gettext", "pgettext", "ngettext", "npgettext", "setting"})
HOLE_ATTR = "__i18nmail_attr"
HOLE_TITLE = "__i18nmail_title"
ISOLATE = "__i18nmail_isolate"

MESSAGE_CALLS = {"_": 0, "gettext": 0, "pgettext": 1}
PLURAL_CALLS = {"ngettext": 0, "npgettext": 1}
PLURAL = "__i18nmail_plural"


class NotCompilable(Exception):
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


# -- values in the HTML part, as the CSS inliner's serialiser writes them ---------------

#: In markup escape() made (and the <bdi> isolates of values), anything else:
#: a tag, a bare '&' or '>', another character reference. The inliner would
#: rewrite it; the compiled template cannot tell how.
NOT_CANONICAL = re.compile(r"&(?!amp;|lt;|gt;|#39;|#34;)|[<>]")
_ISOLATES = re.compile(r"</?bdi>")


class UnplacedMarkup(ValueError):
    """A value made markup while rendering (``|safe``, ``|urlize``) that the
    compiled template cannot write as the inliner would: the email is
    rendered through the full templates instead."""


def _canonical(text: str, isolates: bool = True) -> str:
    if NOT_CANONICAL.search(_ISOLATES.sub("", text) if isolates and "<" in text else text):
        raise UnplacedMarkup("a value holds markup the compiled template cannot place")
    return text


def hole_text(value: Any) -> str:
    """*value* as text of an HTML element, escaped as the inliner re-serialises
    it (``&amp; &lt; &gt; &nbsp;``; quotes as they are)."""
    if hasattr(value, "__html__"):
        text = str(value.__html__())
        if "&" in text or "<" in text or ">" in text:
            text = _canonical(text).replace("&#39;", "'").replace("&#34;", '"')
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


def hole_title(value: Any) -> str:
    """*value* as the text of <title>, where a tag is text too."""
    if hasattr(value, "__html__"):
        _canonical(str(value.__html__()), isolates=False)
    return hole_text(value)


def hole_attr(value: Any) -> str:
    """*value* inside a double-quoted attribute, escaped as the inliner
    re-serialises it (``&amp; &quot; &nbsp;``)."""
    if hasattr(value, "__html__"):
        text = _canonical(str(value.__html__()))
        if '"' in text:  # it ends the attribute
            raise UnplacedMarkup("a value holds markup the compiled template cannot place")
        text = (text.replace("&#39;", "'").replace("&#34;", "&quot;")
                .replace("&lt;", "<").replace("&gt;", ">"))
    else:
        text = str(value).replace("&", "&amp;").replace('"', "&quot;")
    text = text.replace("\xa0", "&nbsp;")
    if "\r" in text or "\x00" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "\ufffd")
    return text


#: The same escaping as markup, for an output written with autoescaping on: its
#: values are computed as in the full templates (a gettext call, ``|urlize``
#: and ``~`` give markup only while autoescaping is on).
HOLES_AS_MARKUP = {HOLE_TEXT: HOLE_TEXT + "_m", HOLE_ATTR: HOLE_ATTR + "_m", HOLE_TITLE: HOLE_TITLE + "_m"}


def hole_text_markup(value: Any) -> Markup:
    return Markup(hole_text(value))


def hole_attr_markup(value: Any) -> Markup:
    return Markup(hole_attr(value))


def hole_title_markup(value: Any) -> Markup:
    return Markup(hole_title(value))


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


class PluralTable:
    """The forms of one plural sentence in one catalog, split into text and
    placeholders once; a render picks the form for its count and fills it in."""

    def __init__(self, function: str, args: tuple[str, ...], catalog: Any, forms: tuple[str, ...], *,
                 autoescape: bool, rtl: bool) -> None:
        self.function, self.args, self.catalog = function, args, catalog
        self.forms = tuple(tuple(_pieces(form)) for form in forms)
        #: The values each form needs besides the count.
        self.needs = tuple(frozenset(p[0] for p in form if not isinstance(p, str)) - {"num"} for form in self.forms)
        self.autoescape, self.rtl = autoescape, rtl

    def render(self, context: Context, n: Any, values: dict[str, Any]) -> Any:
        index = None
        if type(n) is int:
            try:
                index = self.catalog.plural(n)
            except (ArithmeticError, ValueError, TypeError, IndexError, RecursionError):
                index = None
        if not isinstance(index, int) or not 0 <= index < len(self.forms) or not self.needs[index] <= values.keys():
            # Anything unusual: the template's own call, which records or raises it.
            return context.call(context.resolve_or_missing(self.function), *self.args, n, **values)
        if "num" not in values:
            values["num"] = format_value(context.resolve_or_missing("fmt"), "number", n)
        out: list[str] = []
        for piece in self.forms[index]:
            if isinstance(piece, str):
                out.append(piece)
                continue
            value = values[piece[0]]
            if self.autoescape:
                out.append(f"<bdi>{escape(value)}</bdi>" if self.rtl else str(escape(value)))
            else:
                out.append(isolate(value) if self.rtl else str(value))
        return Markup("".join(out)) if self.autoescape else "".join(out)


def _pieces(text: str) -> Iterator[str | tuple[str]]:
    last = 0
    for match in _FORMAT_RE.finditer(text):
        yield text[last:match.start()]
        last = match.end()
        yield "%" if match.group("name") is None else (match.group("name"),)
    yield text[last:]


#: Plural tables of the compiled templates alive, by the number their templates name.
PLURAL_TABLES: weakref.WeakValueDictionary[int, PluralTable] = weakref.WeakValueDictionary()
PLURAL_NUMBERS = itertools.count()


@pass_context
def plural(context: Context, n: Any, table: int, **values: Any) -> Any:
    """A compiled plural sentence (see :class:`PluralTable`)."""
    return PLURAL_TABLES[table].render(context, n, values)


def format_value(fmt: Any, name: str, *args: Any, **kwargs: Any) -> Any:
    """``fmt.name(*args)``: the render's formatter, whose methods are plain Python.

    The text and the HTML template ask for the same few values: one value of
    an exact type goes straight to the render's memo (:meth:`PerRender.show`).
    """
    if len(args) == 1 and not kwargs and type(args[0]) in EXACT and type(fmt) is PerRender:
        return fmt.show(name, args[0])
    return getattr(fmt, name)(*args, **kwargs)


FILTERS = {HOLE_TEXT: hole_text, HOLE_ATTR: hole_attr, HOLE_TITLE: hole_title,
           HOLES_AS_MARKUP[HOLE_TEXT]: hole_text_markup, HOLES_AS_MARKUP[HOLE_ATTR]: hole_attr_markup,
           HOLES_AS_MARKUP[HOLE_TITLE]: hole_title_markup, ISOLATE: isolate, METHOD: method, APPLY: apply,
           FORMAT: format_value, PLURAL: plural}


# -- the source: a scenario, its layout and its component modules ----------------------

@dataclass
class Module:
    name: str
    macros: dict[str, nodes.Macro]
    imports: dict[str, str]
    consts: dict[str, Any]
    tree: nodes.Template


@dataclass
class Scope:
    """What a name means where it is used: a constant, an imported module or a macro."""

    consts: dict[str, Any]
    modules: dict[str, Module]
    macros: dict[str, tuple[Module, nodes.Macro]]
    #: Names bound by the template around this point ({% set %}, loops, arguments):
    #: an expanded macro must not read one of them where the macro reads the context.
    locals: frozenset[str] = frozenset()

    def without(self, names: Iterable[str]) -> Scope:
        names = set(names)
        bound = self.locals | names
        if not names & (self.consts.keys() | self.modules.keys() | self.macros.keys()):
            return self if bound == self.locals else Scope(self.consts, self.modules, self.macros, bound)
        return Scope({k: v for k, v in self.consts.items() if k not in names},
                      {k: v for k, v in self.modules.items() if k not in names},
                      {k: v for k, v in self.macros.items() if k not in names}, bound)


class Sources:
    """The parsed templates of one environment, shared by every compilation
    (the compiler never changes a parsed tree) and parsed again when a file
    changed (auto-reload)."""

    def __init__(self, env: jinja2.Environment) -> None:
        self.env = env
        self._parsed: dict[str, tuple[nodes.Template, Callable[[], bool] | None]] = {}
        self._modules: dict[str, Module] = {}
        self.used: dict[str, Callable[[], bool] | None] = {}
        self._names: dict[int, tuple[nodes.Node, frozenset[str]]] = {}
        self._free: dict[int, tuple[nodes.Macro, frozenset[str]]] = {}
        self._stored: dict[int, tuple[nodes.Template, frozenset[str]]] = {}
        self._checked: dict[int, nodes.Template] = {}

    def parse(self, name: str) -> nodes.Template:
        cached = self._parsed.get(name)
        if cached is not None and (cached[1] is None or cached[1]()):
            self.used[name] = cached[1]
            return cached[0]
        assert self.env.loader is not None
        if not self.env.auto_reload and not self.env.get_template(name).is_up_to_date:
            # The full templates keep the file as they loaded it: so would the compiled ones.
            raise NotCompilable(f"{name} changed on disk since it was loaded (no auto-reload)")
        source, filename, uptodate = self.env.loader.get_source(self.env, name)
        tree = self.env.parse(source, name, filename)
        # A module stands for its own file only (it names its imports, read
        # again when used): a changed file leaves the others' modules as they are.
        self._parsed[name] = (tree, uptodate)
        self.used[name] = uptodate
        return tree

    def modules(self) -> list[Module]:
        """The component modules read by this compilation (those it parsed)."""
        return [module for name, module in self._modules.items() if name in self.used]

    def stored_in(self, tree: nodes.Template) -> frozenset[str]:
        """Every name *tree* binds: sets, loop variables, macro parameters (cached)."""
        found = self._stored.get(id(tree))
        if found is None or found[0] is not tree:
            names = frozenset(n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param"))
            found = self._stored[id(tree)] = (tree, names)
        return found[1]

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
        if self._checked.get(id(tree)) is tree:
            return False
        self._checked[id(tree)] = tree
        return True

    def module(self, name: str) -> Module:
        tree = self.parse(name)
        if name not in self._modules or self._modules[name].tree is not tree:
            macros: dict[str, nodes.Macro] = {}
            imports: dict[str, str] = {}
            consts: dict[str, Any] = {}
            self._modules[name] = Module(name, macros, imports, consts, tree)
            for node in tree.body:
                if isinstance(node, nodes.Macro):
                    macros[node.name] = node
                elif isinstance(node, nodes.Import) and node.with_context and isinstance(node.template, nodes.Const):
                    imports[node.target] = node.template.value
                elif isinstance(node, nodes.Assign) and isinstance(node.target, nodes.Name):
                    consts[node.target.name] = constant_of(node.node, self.env)
                elif not blank(node):
                    raise NotCompilable(f"{name}: top-level {type(node).__name__}")
        for target in self._modules[name].imports.values():
            self.module(target)
        return self._modules[name]


def blank(node: nodes.Node) -> bool:
    return isinstance(node, nodes.Output) and all(
        isinstance(n, nodes.TemplateData) and not n.data.strip() for n in node.nodes)


def constant_of(node: nodes.Node, env: jinja2.Environment) -> Any:
    if not isinstance(node, nodes.Expr):
        raise NotCompilable(f"not an expression: {node!r}")
    try:
        return node.as_const(nodes.EvalContext(env))
    except (nodes.Impossible, AttributeError, TypeError) as exc:
        raise NotCompilable(f"not a constant: {node!r}") from exc


NOT_CONST = object()


def const_value(node: nodes.Node) -> Any:
    """The constant *node* stands for, or ``NOT_CONST``."""
    if isinstance(node, nodes.Const):
        return node.value
    if isinstance(node, nodes.MarkSafe) and isinstance(node.expr, nodes.Const):
        return Markup(node.expr.value)
    return NOT_CONST


def is_pure(node: nodes.Node) -> bool:
    """Reading *node* has no effect and cannot fail before its value is used."""
    if const_value(node) is not NOT_CONST:
        return True
    if isinstance(node, nodes.Name):
        return True
    return isinstance(node, nodes.Getattr) and is_pure(node.node)


def stored_names(target: nodes.Node) -> list[str]:
    return [n.name for n in target.find_all(nodes.Name)] if not isinstance(target, nodes.Name) else [target.name]


def self_block(node: nodes.Node) -> str | None:
    if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Getattr) \
            and isinstance(node.node.node, nodes.Name) and node.node.node.name == "self" \
            and not node.args and not node.kwargs:
        return str(node.node.attr)
    return None


def const_node(value: Any, autoescape: bool) -> nodes.Expr:
    if isinstance(value, Markup):
        return nodes.MarkSafe(nodes.Const(str(value)))
    if value is None or isinstance(value, (str, int, float, bool)):
        return nodes.Const(value)
    if isinstance(value, tuple) and all(v is None or isinstance(v, (str, int, float, bool)) for v in value):
        return nodes.Const(value)
    raise NotCompilable(f"a constant of type {type(value).__name__}")
