"""The local engine: run Step Functions definitions in this process, with AWS's semantics."""

from ._clock import Clock, SystemClock, VirtualClock
from ._engine import Execution, ExecutionHandle, LocalEngine
from ._errors import InvalidDefinitionError, StatesError
from ._lambda import LambdaContext

__all__ = [
    "Clock",
    "Execution",
    "ExecutionHandle",
    "InvalidDefinitionError",
    "LambdaContext",
    "LocalEngine",
    "StatesError",
    "SystemClock",
    "VirtualClock",
]
