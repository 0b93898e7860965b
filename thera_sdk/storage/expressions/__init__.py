"""DynamoDB's expression language, parsed and evaluated in Python for the local table adapter.

The public functions check expressions the way DynamoDB does (placeholders defined and all used,
reserved words refused, key conditions shaped right), so a request that works locally is one
DynamoDB accepts.
"""

from thera_sdk.storage.expressions._evaluate import MISSING, apply_update, evaluate, resolve
from thera_sdk.storage.expressions._keys import KeyCondition, parse_key_condition
from thera_sdk.storage.expressions._parser import (
    ExpressionContext,
    parse_condition,
    parse_update,
)

__all__ = [
    "MISSING",
    "ExpressionContext",
    "KeyCondition",
    "apply_update",
    "evaluate",
    "parse_condition",
    "parse_key_condition",
    "parse_update",
    "resolve",
]
