"""A recursive-descent parser for DynamoDB condition and update expressions.

Grammar (keywords are case-insensitive)::

    condition  := disjunct ("OR" disjunct)*
    disjunct   := negation ("AND" negation)*
    negation   := "NOT" negation | primary
    primary    := "(" condition ")" | function | operand comparison
    comparison := op operand | "BETWEEN" operand "AND" operand | "IN" "(" operand ("," operand)* ")"
    function   := attribute_exists(path) | attribute_not_exists(path)
                | attribute_type(path, :v) | begins_with(path, operand) | contains(path, operand)
    operand    := path | :value | size(path)
    path       := name ("." name | "[" number "]")*       name := identifier | #placeholder

    update     := clause+        clause := SET set ("," set)* | REMOVE path ("," path)*
                                         | ADD path :v ("," path :v)* | DELETE path :v (...)*
    set        := path "=" value
    value      := term (("+" | "-") term)?
    term       := operand | if_not_exists(path, term) | list_append(term, term)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from thera_sdk._exceptions import ExpressionError
from thera_sdk.storage._values import normalize_value
from thera_sdk.storage.expressions._ast import (
    AddAction,
    And,
    Between,
    Compare,
    Condition,
    DeleteAction,
    Function,
    IfNotExists,
    In,
    ListAppend,
    Literal,
    Not,
    Operand,
    Or,
    Path,
    RemoveAction,
    SetAction,
    Size,
    Sum,
    Update,
)
from thera_sdk.storage.expressions._lexer import RESERVED_WORDS, Token, tokenize

__all__ = ["ExpressionContext", "parse_condition", "parse_update"]

_COMPARATORS = frozenset({"=", "<>", "<", "<=", ">", ">="})
_CONDITION_FUNCTIONS = {
    "attribute_exists": 1,
    "attribute_not_exists": 1,
    "attribute_type": 2,
    "begins_with": 2,
    "contains": 2,
}


class ExpressionContext:
    """The placeholders of one request, shared by all its expressions.

    DynamoDB refuses a request whose ``ExpressionAttributeNames`` or ``ExpressionAttributeValues``
    hold an entry no expression uses; :meth:`check_all_used` applies the same rule.

    Examples
    --------
    >>> ctx = ExpressionContext({"#n": "count"}, {":one": 1})
    >>> parse_update("ADD #n :one", ctx).actions[0].path.elements
    ('count',)
    >>> ctx.check_all_used()
    """

    def __init__(
        self, names: Mapping[str, str] | None = None, values: Mapping[str, Any] | None = None
    ) -> None:
        self.names = dict(names or {})
        self.values = {k: normalize_value(v, k) for k, v in (values or {}).items()}
        self.used_names: set[str] = set()
        self.used_values: set[str] = set()

    def name(self, token: Token, what: str) -> str:
        if token.text not in self.names:
            raise ExpressionError(
                f"Invalid {what}: {token.text} is not defined; add it to the attribute names."
            )
        self.used_names.add(token.text)
        return self.names[token.text]

    def value(self, token: Token, what: str) -> Literal:
        if token.text not in self.values:
            raise ExpressionError(
                f"Invalid {what}: {token.text} is not defined; add it to the attribute values."
            )
        self.used_values.add(token.text)
        return Literal(token.text, self.values[token.text])

    def check_all_used(self) -> None:
        unused_names = sorted(set(self.names) - self.used_names)
        unused_values = sorted(set(self.values) - self.used_values)
        if unused_names:
            raise ExpressionError(
                f"Attribute names {unused_names} are not used in any expression; remove them."
            )
        if unused_values:
            raise ExpressionError(
                f"Attribute values {unused_values} are not used in any expression; remove them."
            )


class _Parser:
    def __init__(self, text: str, what: str, context: ExpressionContext) -> None:
        if not text or not text.strip():
            raise ExpressionError(f"Invalid {what}: the expression is empty.")
        self.text = text
        self.what = what
        self.context = context
        self.tokens = tokenize(text, what)
        self.index = 0

    # -- token helpers ---------------------------------------------------------------------------
    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def at(self, kind: str, text: str | None = None) -> bool:
        token = self.current
        return token.kind == kind and (text is None or token.text == text)

    def accept(self, kind: str, text: str | None = None) -> Token | None:
        return self.advance() if self.at(kind, text) else None

    def expect(self, kind: str, text: str | None = None) -> Token:
        if not self.at(kind, text):
            raise self.error(f"expected {text or kind}")
        return self.advance()

    def error(self, problem: str) -> ExpressionError:
        token = self.current
        near = token.text or "end of expression"
        return ExpressionError(
            f"Invalid {self.what}: {problem} near {near!r} (position {token.position}) "
            f"in {self.text!r}."
        )

    def finish(self) -> None:
        if not self.at("end"):
            raise self.error("unexpected token")

    # -- operands --------------------------------------------------------------------------------
    def path(self) -> Path:
        elements: list[str | int] = [self.path_name()]
        while True:
            if self.accept("op", "."):
                elements.append(self.path_name())
            elif self.accept("op", "["):
                elements.append(int(self.expect("number").text))
                self.expect("op", "]")
            else:
                return Path(tuple(elements))

    def path_name(self) -> str:
        token = self.current
        if token.kind == "hash":
            self.advance()
            return self.context.name(token, self.what)
        if token.kind == "name":
            if token.text.upper() in RESERVED_WORDS:
                raise ExpressionError(
                    f"Invalid {self.what}: {token.text!r} is a reserved word in DynamoDB; write "
                    f"#{token.text} and pass {{'#{token.text}': '{token.text}'}} as names."
                )
            self.advance()
            return token.text
        raise self.error("expected an attribute name")

    def function_name(self) -> str | None:
        if self.at("name") and self.tokens[self.index + 1].text == "(":
            return self.current.text
        return None

    def operand(self) -> Operand:
        if self.at("value"):
            return self.context.value(self.advance(), self.what)
        if self.function_name() == "size":
            self.advance()
            self.expect("op", "(")
            path = self.path()
            self.expect("op", ")")
            return Size(path)
        if self.function_name() is not None:
            raise self.error("this function cannot be used here")
        return self.path()

    # -- conditions ------------------------------------------------------------------------------
    def condition(self) -> Condition:
        node = self.disjunct()
        while self.accept("keyword", "OR"):
            node = Or(node, self.disjunct())
        return node

    def disjunct(self) -> Condition:
        node = self.negation()
        while self.accept("keyword", "AND"):
            node = And(node, self.negation())
        return node

    def negation(self) -> Condition:
        if self.accept("keyword", "NOT"):
            return Not(self.negation())
        return self.primary()

    def primary(self) -> Condition:
        if self.accept("op", "("):
            node = self.condition()
            self.expect("op", ")")
            return node
        name = self.function_name()
        if name in _CONDITION_FUNCTIONS:
            return self.function(name)
        left = self.operand()
        if self.current.kind == "op" and self.current.text in _COMPARATORS:
            op = self.advance().text
            return Compare(op, left, self.operand())
        if self.accept("keyword", "BETWEEN"):
            low = self.operand()
            self.expect("keyword", "AND")
            return Between(left, low, self.operand())
        if self.accept("keyword", "IN"):
            self.expect("op", "(")
            options = [self.operand()]
            while self.accept("op", ","):
                options.append(self.operand())
            self.expect("op", ")")
            if len(options) > 100:
                raise self.error("IN takes at most 100 values")
            return In(left, tuple(options))
        raise self.error("expected a comparison, BETWEEN or IN")

    def function(self, name: str) -> Function:
        self.advance()
        self.expect("op", "(")
        args: list[Operand] = [self.path()]
        while self.accept("op", ","):
            args.append(self.operand())
        self.expect("op", ")")
        if len(args) != _CONDITION_FUNCTIONS[name]:
            raise self.error(f"{name} takes {_CONDITION_FUNCTIONS[name]} argument(s)")
        return Function(name, tuple(args))

    # -- updates ---------------------------------------------------------------------------------
    def update(self) -> Update:
        actions: list[SetAction | RemoveAction | AddAction | DeleteAction] = []
        seen: set[str] = set()
        while not self.at("end"):
            clause = self.expect("keyword").text
            if clause not in {"SET", "REMOVE", "ADD", "DELETE"} or clause in seen:
                self.index -= 1
                raise self.error(f"{clause} cannot start a clause here (each clause appears once)")
            seen.add(clause)
            while True:
                actions.append(self.action(clause))
                if not self.accept("op", ","):
                    break
        return Update(tuple(actions))

    def action(self, clause: str) -> SetAction | RemoveAction | AddAction | DeleteAction:
        path = self.path()
        if clause == "REMOVE":
            return RemoveAction(path)
        if clause == "SET":
            self.expect("op", "=")
            return SetAction(path, self.set_value())
        literal = self.context.value(self.expect("value"), self.what)
        return AddAction(path, literal) if clause == "ADD" else DeleteAction(path, literal)

    def set_value(self) -> Operand:
        left = self.term()
        if self.current.kind == "op" and self.current.text in {"+", "-"}:
            op = self.advance().text
            return Sum(left, op, self.term())
        return left

    def term(self) -> Operand:
        name = self.function_name()
        if name == "if_not_exists":
            self.advance()
            self.expect("op", "(")
            path = self.path()
            self.expect("op", ",")
            default = self.term()
            self.expect("op", ")")
            return IfNotExists(path, default)
        if name == "list_append":
            self.advance()
            self.expect("op", "(")
            first = self.term()
            self.expect("op", ",")
            second = self.term()
            self.expect("op", ")")
            return ListAppend(first, second)
        if name is not None:
            raise self.error(f"{name} cannot be used in an update")
        if self.at("value"):
            return self.context.value(self.advance(), self.what)
        return self.path()


def parse_condition(
    text: str, context: ExpressionContext, what: str = "ConditionExpression"
) -> Condition:
    """Parse a condition, filter or key-condition expression.

    Examples
    --------
    >>> ctx = ExpressionContext(values={":v": 3})
    >>> parse_condition("attribute_not_exists(pk) OR version < :v", ctx)  # doctest: +ELLIPSIS
    Or(left=Function(name='attribute_not_exists', ...
    """
    parser = _Parser(text, what, context)
    node = parser.condition()
    parser.finish()
    return node


def parse_update(text: str, context: ExpressionContext) -> Update:
    """Parse an update expression.

    Examples
    --------
    >>> ctx = ExpressionContext(values={":one": 1})
    >>> parse_update("SET hits = if_not_exists(hits, :one) REMOVE gone", ctx).actions[1]
    RemoveAction(path=Path(elements=('gone',)))
    """
    parser = _Parser(text, "UpdateExpression", context)
    return parser.update()
