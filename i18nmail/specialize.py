"""The template compiler's transformation: one scenario's templates, with
constant sentences translated, components expanded and locale constants
decided, as one Jinja tree per channel (see :mod:`i18nmail.compiled`)."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

import jinja2
from jinja2 import nodes
from markupsafe import Markup, escape

from .catalogs import _FORMAT_RE
from .compiler_base import (
    APPLY,
    CONTEXT_FUNCTIONS,
    FORMAT,
    ISOLATE,
    MESSAGE_CALLS,
    METHOD,
    NOT_CONST,
    PLURAL,
    PLURAL_CALLS,
    PLURAL_NUMBERS,
    PLURAL_TABLES,
    LocaleConstants,
    Module,
    NotCompilable,
    PluralTable,
    Scope,
    Sources,
    const_node,
    const_value,
    is_pure,
    self_block,
    stored_names,
)
from .typography import isolate


class Specializer:
    """Rewrites one channel's templates for one locale (statements by
    :meth:`stmts`, expressions by :meth:`expr`), never changing the parsed
    trees it reads: every node it changes is a new node."""

    def __init__(self, env: jinja2.Environment, sources: Sources, constants: LocaleConstants) -> None:
        self.env = env
        self.sources = sources
        self.c = constants
        self.autoescape = bool(env.autoescape) if not callable(env.autoescape) else False
        self.blocks: dict[str, list[nodes.Node]] = {}
        self.spliced: set[str] = set()
        self.hoists: list[nodes.Node] = []
        self.tables: list[PluralTable] = []
        self.stored: frozenset[str] = frozenset()
        self.names: list[str] = []
        self.conditional = 0
        self.needed: dict[str, nodes.Macro] = {}
        self.depth = 0

    # statements

    def stmts(self, body: list[nodes.Node], scope: Scope) -> list[nodes.Node]:
        out: list[nodes.Node] = []
        for node in body:
            saved, self.hoists = self.hoists, []
            done_here = self.stmt(node, scope)
            done_here, self.hoists = self.hoists + done_here, saved
            if isinstance(node, (nodes.Assign, nodes.AssignBlock, nodes.If)):
                # What a statement sets is visible to the ones after it.
                scope = scope.without(stored_names(node.target) if not isinstance(node, nodes.If) else
                                      [n.name for n in node.find_all(nodes.Name) if n.ctx == "store"])
            for done in done_here:
                if isinstance(done, nodes.Output) and out and isinstance(out[-1], nodes.Output):
                    out[-1] = nodes.Output(as_data(out[-1].nodes + done.nodes, self.autoescape),
                                           lineno=out[-1].lineno)
                else:
                    out.append(done)
        return out

    def stmt(self, node: nodes.Node, scope: Scope) -> list[nodes.Node]:
        if isinstance(node, nodes.Output):
            return self.output(node, scope)
        if isinstance(node, nodes.If):
            return self.if_(node, scope)
        if isinstance(node, nodes.For):
            if node.recursive:
                raise NotCompilable("recursive for loop")
            inner = scope.without(stored_names(node.target))
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
            targets = [t for target in node.targets for t in stored_names(target)]
            return [nodes.With(node.targets, [self.expr(v, scope) for v in node.values],
                               self.stmts(node.body, scope.without(targets)), lineno=node.lineno)]
        if isinstance(node, nodes.Scope):
            return [nodes.Scope(self.stmts(node.body, scope), lineno=node.lineno)]
        if isinstance(node, nodes.Block):
            if node.name not in self.blocks:
                raise NotCompilable(f"block {node.name!r} has no content")
            return self.splice(node.name)
        raise NotCompilable(f"{type(node).__name__} at line {node.lineno}")

    def if_(self, node: nodes.If, scope: Scope) -> list[nodes.Node]:
        test = self.expr(node.test, scope)
        decided = const_value(test)
        if decided is not NOT_CONST:
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

    def assign(self, node: nodes.Assign, scope: Scope) -> list[nodes.Node]:
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

    def output(self, node: nodes.Output, scope: Scope) -> list[nodes.Node]:
        out: list[nodes.Node] = []
        pending: list[nodes.Expr] = []

        def flush() -> None:
            if pending:
                out.append(nodes.Output(as_data(list(pending), self.autoescape), lineno=node.lineno))
                pending.clear()

        for child in node.nodes:
            called = self.macro_of(child, scope)
            block = self_block(child)
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
        """A compiled block's statements in a scope of their own (what a block
        sets stays in it, as in a block), copied when used a second time."""
        body = self.blocks[name]
        if name in self.spliced:
            body = copy.deepcopy(body, memo={id(self.env): self.env})
        self.spliced.add(name)
        return [nodes.Scope(body)]

    # macros

    def macro_of(self, node: nodes.Node, scope: Scope) -> tuple[Module, nodes.Macro] | None:
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

    def module_scope(self, module: Module, bound: frozenset[str] = frozenset()) -> Scope:
        return Scope({**self.c.names, **module.consts},
                      {alias: self.sources.module(name) for alias, name in module.imports.items()},
                      {name: (module, macro) for name, macro in module.macros.items()}, bound)

    def check_capture(self, module: Module, macro: nodes.Macro, bound: Iterable[str]) -> None:
        """Refuse to expand *macro* where the template binds a name the macro reads
        from the context: expanded, it would read the template's value instead."""
        captured = (self.sources.free_names(macro) - module.consts.keys()) & set(bound)
        if captured:
            raise NotCompilable(f"macro {macro.name!r} reads {sorted(captured)} from the context, "
                                "which the template also binds")

    def bind(self, module: Module, macro: nodes.Macro, call: nodes.Call, scope: Scope) -> list[tuple[str, nodes.Expr]]:
        """Each parameter of *macro* with the expression *call* gives it (or its default)."""
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
                bound.append((name, self.expr(defaults[name], self.module_scope(module))))
            else:
                raise NotCompilable(f"missing argument {name!r} for {macro.name!r}")
        return bound

    def inline(self, called: tuple[Module, nodes.Macro], call: nodes.Node, scope: Scope) -> list[nodes.Node]:
        """The statements of a macro called as a statement, its arguments bound."""
        assert isinstance(call, nodes.Call)
        module, macro = called
        self.depth += 1
        if self.depth > 20:
            raise NotCompilable("macros nested too deep")
        bound = self.bind(module, macro, call, scope)
        self.check_capture(module, macro, scope.locals)
        inner = self.module_scope(module, scope.locals).without(name for name, _ in bound)
        consts = {name: const_value(value) for name, value in bound if const_value(value) is not NOT_CONST}
        inner.consts.update(consts)
        for name in _written_once(macro, [name for name, _ in bound if name not in consts]):
            # {{ ui.p(_("...", order=n)) }}: the sentence goes straight into <p>...</p>.
            consts[name] = inner.consts[name] = Substitute(dict(bound)[name])
        dynamic = [(name, value) for name, value in bound if name not in consts]
        body = self.stmts(macro.body, inner)
        self.depth -= 1
        if not dynamic:
            return body
        return [nodes.With([nodes.Name(name, "store") for name, _ in dynamic], [value for _, value in dynamic],
                           body, lineno=call.lineno)]

    def call_macro(self, called: tuple[Module, nodes.Macro], call: nodes.Call, scope: Scope) -> nodes.Expr:
        """A macro called for its value: a constant when it is one, else a call
        of the macro, defined once at the top of the compiled template."""
        module, macro = called
        bound = self.bind(module, macro, call, scope)
        if all(const_value(value) is not NOT_CONST for _, value in bound):
            body = self.inline(called, call, scope)
            data = _only_data(body)
            if data is not None:
                return nodes.MarkSafe(nodes.Const(data)) if self.autoescape else nodes.Const(data)
        if not self.conditional:
            # Evaluated anyway with its statement: expanded into a {% set %} block in
            # front of it, without the cost of a macro call, when nothing in it
            # records a fallback (whose order would change).
            body = self.inline(called, call, scope)
            if quiet(body):
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
                                            [self.expr(d, Scope(dict(self.c.names), {}, {}))
                                             for d in macro.defaults], body, lineno=macro.lineno)
        return nodes.Call(nodes.Name(name, "load"), [value for _, value in bound], [], None, None,
                          lineno=call.lineno)

    # expressions

    def expr(self, node: nodes.Node, scope: Scope) -> nodes.Expr:
        if isinstance(node, nodes.Name) and node.ctx == "load":
            if node.name in scope.consts:
                value = scope.consts[node.name]
                if isinstance(value, Substitute):
                    return value.expr
                return const_node(value, self.autoescape)
            if node.name in scope.modules or node.name in scope.macros or node.name == "self":
                raise NotCompilable(f"{node.name!r} used as a value")
            return node
        if isinstance(node, nodes.Getattr) and isinstance(node.node, nodes.Name) and node.node.name == "shop" \
                and "shop" not in scope.consts:
            value = self.env.getattr(self.c.shop, node.attr)
            if value is None or isinstance(value, (str, int, bool)):
                return const_node(value, self.autoescape)
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
            values = [const_value(part) for part in node.nodes]
            if NOT_CONST in values:
                return node
            if self.autoescape and any(isinstance(v, Markup) for v in values):
                return const_node(Markup("").join(values), self.autoescape)
            return const_node("".join(str(v) for v in values), self.autoescape)
        if isinstance(node, (nodes.Compare, nodes.BinExpr, nodes.UnaryExpr, nodes.Test)) and all(
                const_value(child) is not NOT_CONST for child in node.iter_child_nodes()
                if not isinstance(child, nodes.Operand)) and all(
                const_value(op.expr) is not NOT_CONST for op in node.find_all(nodes.Operand)):
            try:
                return const_node(node.as_const(nodes.EvalContext(self.env)), self.autoescape)
            except nodes.Impossible:
                return node
        return cast(nodes.Expr, node)  # or a Keyword, Pair or Operand inside an expression

    def branching(self, node: nodes.CondExpr | nodes.And | nodes.Or, scope: Scope) -> nodes.Expr:
        """``a if t else b``, ``a and b``, ``a or b``: only the first part is always evaluated."""
        node = copy.copy(node)
        if isinstance(node, nodes.CondExpr):
            node.test = self.expr(node.test, scope)
            test = const_value(node.test)
            self.conditional += 1
            try:
                if test is not NOT_CONST and node.expr2 is not None:
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

    def call(self, node: nodes.Call, scope: Scope) -> nodes.Expr:
        called = self.macro_of(node, scope)
        if called is not None:
            return self.call_macro(called, node, scope)
        target = node.node
        if isinstance(target, nodes.Name) and target.name in MESSAGE_CALLS and target.name not in scope.consts \
                and node.dyn_args is None and node.dyn_kwargs is None:
            folded = self.message(target.name, node, scope)
            if folded is not None:
                return folded
        if isinstance(target, nodes.Name) and target.name in PLURAL_CALLS and target.name not in scope.consts \
                and node.dyn_args is None and node.dyn_kwargs is None:
            compiled = self.plural(target.name, node, scope)
            if compiled is not None:
                return compiled
        if isinstance(target, nodes.Name) and target.name == "setting" and not node.kwargs \
                and node.dyn_args is None and node.dyn_kwargs is None:
            args = [self.expr(a, scope) for a in node.args]
            values = [const_value(a) for a in args]
            if len(values) == 4 and NOT_CONST not in values and values[0] in values[1]:
                return const_node(values[0], self.autoescape)
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
                isinstance(node.node, nodes.Name) and node.node.name in CONTEXT_FUNCTIONS):
            # fmt.money(x), refund_window(m): a direct call, without Context.call's
            # look-up of how the callee wants to be called on every call.
            if isinstance(node.node, nodes.Getattr) and isinstance(node.node.node, nodes.Name) \
                    and node.node.node.name == "fmt" and "fmt" not in scope.locals:
                # The render's formatter (no template may bind another fmt).
                return nodes.Filter(node.node.node, FORMAT, [nodes.Const(node.node.attr), *node.args],
                                    node.kwargs, None, None, lineno=node.lineno)
            if isinstance(node.node, nodes.Getattr):
                return nodes.Filter(node.node.node, METHOD, [nodes.Const(node.node.attr), *node.args],
                                    node.kwargs, None, None, lineno=node.lineno)
            return nodes.Filter(node.node, APPLY, node.args, node.kwargs, None, None, lineno=node.lineno)
        return node

    def plural(self, function: str, node: nodes.Call, scope: Scope) -> nodes.Expr | None:
        """A plural sentence of this locale's own catalog as a :class:`PluralTable`;
        ``None`` leaves the call (a fallback, a catalog whose forms do not check out)."""
        count = PLURAL_CALLS[function] + 2
        if len(node.args) != count + 1 or not all(isinstance(a, nodes.Const) and isinstance(a.value, str)
                                                  for a in node.args[:count]):
            return None
        args = tuple(cast(nodes.Const, a).value for a in node.args[:count])
        key = (args[0] if count == 3 else None, args[-2])
        translator = self.c.translator
        for catalog in translator.catalogs:
            forms = catalog.messages.get(key)
            if not isinstance(forms, tuple):
                continue
            if len(forms) != catalog.nplurals or catalog.locale != translator.primary or any(
                    catalog.verdict(key, index, args[-1], allowed_extra=("num",)) for index in range(len(forms))):
                return None
            table = PluralTable(function, args, catalog, forms, autoescape=self.autoescape,
                                rtl=self.c.direction == "rtl")
            number = next(PLURAL_NUMBERS)
            PLURAL_TABLES[number] = table
            self.tables.append(table)
            return nodes.Filter(self.expr(node.args[count], scope), PLURAL, [nodes.Const(number)],
                                [nodes.Keyword(k.key, self.expr(k.value, scope)) for k in node.kwargs], None, None,
                                lineno=node.lineno)
        return None

    def message(self, function: str, node: nodes.Call, scope: Scope) -> nodes.Expr | None:
        """A constant message's translation, or ``None`` to leave the call as it is
        (a fallback, which the call records; a placeholder the call does not pass)."""
        count = MESSAGE_CALLS[function] + 1
        if len(node.args) != count or not all(isinstance(a, nodes.Const) and isinstance(a.value, str)
                                              for a in node.args):
            return None
        msgctxt = cast(nodes.Const, node.args[0]).value if count == 2 else None
        msgid = cast(nodes.Const, node.args[-1]).value
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
        if any(not is_pure(v) for k, v in values.items() if k not in used):
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
            constant = const_value(piece)
            if constant is not NOT_CONST:
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
        if len(parts) == 1 and const_value(parts[0]) is not NOT_CONST:
            return parts[0]
        if self.autoescape and const_value(parts[0]) is NOT_CONST:
            parts.insert(0, nodes.MarkSafe(nodes.Const("")))  # a Markup first, so every value is escaped
        return nodes.Concat(parts)


@dataclass(frozen=True)
class Substitute:
    """A macro argument written in place of the one place the macro writes it."""

    expr: nodes.Expr


def _written_once(macro: nodes.Macro, names: list[str]) -> list[str]:
    """Arguments of *macro* it only writes out, once each and in their order, in a
    body of plain output: evaluated there, not before, nothing changes."""
    if not names:
        return []
    written: list[str] = []
    for node in macro.body:
        if not isinstance(node, nodes.Output):
            return []
        for child in node.nodes:
            if isinstance(child, nodes.Name) and child.name in names:
                written.append(child.name)
            elif not isinstance(child, nodes.TemplateData):
                return []
    loads = [n.name for n in macro.find_all(nodes.Name) if n.name in names and n.ctx == "load"]
    ordered = [name for name in names if name in written]
    if sorted(loads) != sorted(written) or len(set(written)) != len(written) or written != ordered:
        return []
    return written


def _only_data(body: list[nodes.Node]) -> str | None:
    """The text *body* writes when it is all template data, else ``None``."""
    parts: list[str] = []
    for node in body:
        if not isinstance(node, nodes.Output):
            return None
        for child in node.nodes:
            if not isinstance(child, nodes.TemplateData):
                return None
            parts.append(child.data)
    return "".join(parts)


def quiet(body: list[nodes.Node]) -> bool:
    """Whether *body* only formats and escapes: no call that may record a fallback."""
    for node in body:
        if any(True for _ in node.find_all(nodes.Call)):
            return False
        for used in node.find_all(nodes.Filter):
            if used.name in (APPLY, METHOD):
                return False
    return True


def as_data(children: list[nodes.Expr], autoescape: bool) -> list[nodes.Expr]:
    """Constants in an output become template data (escaped as the output
    would escape them); neighbouring data is merged."""
    out: list[nodes.Expr] = []
    for child in children:
        value = const_value(child)
        if value is not NOT_CONST:
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
                out.extend(as_data([part], autoescape))
            continue
        if isinstance(child, nodes.TemplateData) and out and isinstance(out[-1], nodes.TemplateData):
            out[-1] = nodes.TemplateData(out[-1].data + child.data)
        elif not (isinstance(child, nodes.TemplateData) and not child.data):
            out.append(child)
    return out
