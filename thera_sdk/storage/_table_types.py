"""Value types of the tables port: table and index definitions, pages, parsed requests."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from thera_sdk._exceptions import TableNotFoundError, ValidationError
from thera_sdk.storage._values import type_of
from thera_sdk.storage.expressions import ExpressionContext, KeyCondition
from thera_sdk.storage.expressions._ast import Condition, Update

__all__ = ["IndexSpec", "Page", "Request", "TableSpec"]

_KEY_TYPES = frozenset({"S", "N", "B"})


def _check_key_type(kind: str, where: str) -> None:
    if kind not in _KEY_TYPES:
        raise ValidationError(f"{where}: key types are 'S', 'N' or 'B', got {kind!r}.")


@dataclass(frozen=True)
class IndexSpec:
    """A global secondary index (all attributes projected).

    Examples
    --------
    >>> IndexSpec("by_domain", "domain").sort_key is None
    True
    """

    name: str
    partition_key: str
    partition_type: str = "S"
    sort_key: str | None = None
    sort_type: str = "S"

    def __post_init__(self) -> None:
        _check_key_type(self.partition_type, f"index {self.name}")
        _check_key_type(self.sort_type, f"index {self.name}")

    @property
    def key_names(self) -> tuple[str, ...]:
        """The index's key attribute names."""
        return (self.partition_key,) + ((self.sort_key,) if self.sort_key else ())


@dataclass(frozen=True)
class TableSpec:
    """A table: its key schema, global secondary indexes and TTL attribute.

    Examples
    --------
    >>> spec = TableSpec("runs", "pk", sort_key="sk", ttl_attribute="expires_at")
    >>> spec.key_names
    ('pk', 'sk')
    """

    name: str
    partition_key: str
    partition_type: str = "S"
    sort_key: str | None = None
    sort_type: str = "S"
    indexes: tuple[IndexSpec, ...] = ()
    ttl_attribute: str | None = None

    def __post_init__(self) -> None:
        _check_key_type(self.partition_type, f"table {self.name}")
        _check_key_type(self.sort_type, f"table {self.name}")

    @property
    def key_names(self) -> tuple[str, ...]:
        """The table's key attribute names."""
        return (self.partition_key,) + ((self.sort_key,) if self.sort_key else ())

    def key_types(self) -> dict[str, str]:
        """Every key attribute of the table and its indexes, with its type."""
        types = {self.partition_key: self.partition_type}
        if self.sort_key:
            types[self.sort_key] = self.sort_type
        for index in self.indexes:
            types.setdefault(index.partition_key, index.partition_type)
            if index.sort_key:
                types.setdefault(index.sort_key, index.sort_type)
        return types

    def index(self, name: str) -> IndexSpec:
        """The index called ``name``."""
        for index in self.indexes:
            if index.name == name:
                return index
        raise TableNotFoundError(
            f"Table {self.name!r} has no index {name!r} (indexes: "
            f"{[i.name for i in self.indexes]}); create it or query the table itself."
        )

    def key_of(self, item: dict[str, Any]) -> dict[str, Any]:
        """The primary key part of an item."""
        return {name: item[name] for name in self.key_names}

    def validate_key(self, key: dict[str, Any], *, exact: bool, where: str) -> None:
        """Check a key (or an item's key part): present, right type, not empty."""
        for name, kind in (
            (self.partition_key, self.partition_type),
            (self.sort_key, self.sort_type),
        ):
            if name is None:
                continue
            if name not in key:
                raise ValidationError(
                    f"{where}: key attribute {name!r} is missing; table {self.name!r} needs "
                    f"{list(self.key_names)}."
                )
            _check_value(key[name], name, kind, where, self.name)
        if exact and set(key) != set(self.key_names):
            extra = sorted(set(key) - set(self.key_names))
            raise ValidationError(
                f"{where}: {extra} are not key attributes of table {self.name!r}; pass only "
                f"{list(self.key_names)}."
            )

    def validate_index_keys(self, item: dict[str, Any], where: str) -> None:
        """Check the type of every index key attribute an item carries."""
        for name, kind in self.key_types().items():
            if name in item and name not in self.key_names:
                _check_value(item[name], name, kind, where, self.name)


def _check_value(value: Any, name: str, kind: str, where: str, table: str) -> None:
    actual = type_of(value)
    if actual != kind:
        raise ValidationError(
            f"{where}: key attribute {name!r} of table {table!r} must be of type {kind}, got "
            f"{actual} ({value!r})."
        )
    if kind in {"S", "B"} and len(value) == 0:
        raise ValidationError(f"{where}: key attribute {name!r} cannot be empty.")


@dataclass(frozen=True)
class Page:
    """One page of a query or scan: ``items`` and the ``last_key`` to continue from (``None``
    when there is nothing more)."""

    items: list[dict[str, Any]]
    last_key: dict[str, Any] | None = None


@dataclass
class Request:
    """A request's expressions, parsed and checked once by the port for both adapters.

    ``texts`` holds the original text under DynamoDB's parameter names (``ConditionExpression``,
    ``UpdateExpression``, ``KeyConditionExpression``, ``FilterExpression``).
    """

    context: ExpressionContext
    texts: dict[str, str] = field(default_factory=dict)
    condition: Condition | None = None
    update: Update | None = None
    key: KeyCondition | None = None
    filter: Condition | None = None
