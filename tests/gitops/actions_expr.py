"""GitHub Actions expressions (`${{ ... }}`), the part the workflows use.

Property paths (`github.event.pull_request.base.sha`, `needs.x.outputs.y`), string,
number and boolean literals, `==` `!=` `!` `&&` `||` (which return an operand, as in
GitHub: `a && 'x' || ''`), parentheses, and the functions `always()`, `success()`,
`failure()`, `cancelled()`, `contains()`, `startsWith()`, `endsWith()`, `fromJSON()`.
A missing property is null, and null, false, 0 and '' are falsy; `==` is GitHub's loose
equality (strings ignore case, other types are compared as numbers, so null == '').
Anything else raises, so a workflow cannot rely on something not modelled here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

_TOKEN = re.compile(r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<num>-?\d+(?:\.\d+)?)"
                    r"|(?P<op>==|!=|&&|\|\||!|\(|\)|,|\[|\])|(?P<name>[A-Za-z_][\w-]*)"
                    r"|(?P<dot>\.))")


class ExpressionError(AssertionError):
    pass


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if not m:
            raise ExpressionError(f"cannot read expression {text!r} at {pos}")
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


def _truthy(v: Any) -> bool:
    return v not in (None, False, 0, "")


def _number(v: Any) -> float:
    if v is None:
        return 0.0
    if isinstance(v, bool):
        return 1.0 if v else 0.0
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, str):
        try:
            return float(v) if v.strip() else 0.0
        except ValueError:
            return float("nan")
    return float("nan")


def _eq(a: Any, b: Any) -> bool:
    """GitHub's loose equality: strings ignore case; other types meet as numbers."""
    if isinstance(a, str) and isinstance(b, str):
        return a.lower() == b.lower()
    if type(a) is type(b) and not isinstance(a, (dict, list)):
        return bool(a == b)
    if isinstance(a, (dict, list)) or isinstance(b, (dict, list)):
        return a is b
    return _number(a) == _number(b)  # NaN equals nothing


class _Parser:
    def __init__(self, text: str, ctx: Mapping[str, Any], status: str) -> None:
        self.toks = _tokens(text)
        self.i = 0
        self.ctx = ctx
        self.status = status

    def peek(self) -> tuple[str, str] | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        tok = self.peek()
        if tok is None or (value is not None and tok[1] != value):
            raise ExpressionError(f"expected {value!r}, got {tok!r}")
        self.i += 1
        return tok

    def parse(self) -> Any:
        v = self.or_()
        if self.peek() is not None:
            raise ExpressionError(f"unexpected {self.peek()!r}")
        return v

    def or_(self) -> Any:
        v = self.and_()
        while self.peek() == ("op", "||"):
            self.take()
            rhs = self.and_()
            v = v if _truthy(v) else rhs
        return v

    def and_(self) -> Any:
        v = self.cmp()
        while self.peek() == ("op", "&&"):
            self.take()
            rhs = self.cmp()
            v = rhs if _truthy(v) else v
        return v

    def cmp(self) -> Any:
        v = self.unary()
        while self.peek() in (("op", "=="), ("op", "!=")):
            op = self.take()[1]
            rhs = self.unary()
            v = _eq(v, rhs) if op == "==" else not _eq(v, rhs)
        return v

    def unary(self) -> Any:
        if self.peek() == ("op", "!"):
            self.take()
            return not _truthy(self.unary())
        return self.primary()

    def primary(self) -> Any:
        kind, value = self.take()
        if kind == "str":
            return value[1:-1].replace("''", "'")
        if kind == "num":
            return float(value) if "." in value else int(value)
        if (kind, value) == ("op", "("):
            v = self.or_()
            self.take(")")
            return v
        if kind != "name":
            raise ExpressionError(f"unexpected {value!r}")
        if value in ("true", "false", "null"):
            return {"true": True, "false": False, "null": None}[value]
        if self.peek() == ("op", "("):
            return self.call(value)
        obj: Any = self.ctx.get(value)
        if value not in self.ctx:
            raise ExpressionError(f"unknown context {value!r}")
        while self.peek() in (("dot", "."), ("op", "[")):
            if self.take()[1] == ".":
                key = self.take()[1]
            else:
                key = self.or_()
                self.take("]")
            obj = obj.get(key) if isinstance(obj, Mapping) else None
        return obj

    def call(self, name: str) -> Any:
        self.take("(")
        args: list[Any] = []
        while self.peek() != ("op", ")"):
            args.append(self.or_())
            if self.peek() == ("op", ","):
                self.take()
        self.take(")")
        funcs = {
            "always": lambda: True, "success": lambda: self.status == "success",
            "failure": lambda: self.status == "failure", "cancelled": lambda: False,
            "contains": lambda a, b: (str(b).lower() in str(a).lower()) if isinstance(a, str)
            else b in (a or []),
            "startsWith": lambda a, b: str(a).lower().startswith(str(b).lower()),
            "endsWith": lambda a, b: str(a).lower().endswith(str(b).lower()),
            "fromJSON": lambda a: json.loads(a),
        }
        if name not in funcs:
            raise ExpressionError(f"function {name}() is not modelled")
        return funcs[name](*args)


def evaluate(text: str, ctx: Mapping[str, Any], *, status: str = "success") -> Any:
    return _Parser(text, ctx, status).parse()


def _show(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (dict, list)):
        return json.dumps(v)
    return str(v)


def interpolate(text: str, ctx: Mapping[str, Any]) -> str:
    """Every `${{ expr }}` in `text` replaced by its value."""
    return re.sub(r"\$\{\{(.*?)\}\}", lambda m: _show(evaluate(m.group(1), ctx)), text,
                  flags=re.S)
