"""Parallel and Map states: branches and iterations on real threads, results in order.

Inline Map runs at most 40 iterations at once, as on AWS; a failing branch or iteration stops its
siblings at their next transition and its error becomes the state's error (then Retry/Catch).
Distributed Map runs each item (or batch) as a child execution with its own history.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from . import _distributed, _machine
from ._errors import StatesError
from ._paths import PathNotFound, compile_path
from ._runtime import CancelToken, Frame, Stopped, run_concurrently, runtime_error
from ._states import State
from ._templates import Scope, compile_template

INLINE_MAX_CONCURRENCY = 40


class ParallelState(State):
    kind = "Parallel"

    def __init__(self, name: str, spec: dict[str, Any]) -> None:
        super().__init__(name, spec)
        self.branches = [_machine.compile_machine(b) for b in spec["Branches"]]

    def run(self, frame: Frame, data: Any) -> tuple[Any, str | None]:
        entered_id, entered = self.enter(frame, data)

        def attempt(scope: Scope, retry_count: int) -> tuple[Any, str | None]:
            effective = self.effective_input(data, scope, entered_id)
            started = frame.event("ParallelStateStarted")

            def branch_job(machine: Any) -> Callable[[CancelToken], Any]:
                def job(group: CancelToken) -> Any:
                    child = Frame(frame.run, started, parent=frame, cancel=group)
                    return machine.run(child, effective)

                return job

            try:
                results = run_concurrently(
                    [branch_job(m) for m in self.branches], len(self.branches), frame.cancel
                )
            except StatesError:
                frame.event("ParallelStateFailed")
                raise
            except Stopped:
                frame.event("ParallelStateAborted")
                raise
            frame.event("ParallelStateSucceeded")
            return self.finish(frame, data, results, scope, entered_id)

        return self.with_retries(frame, data, entered, entered_id, attempt)


class MapState(State):
    kind = "Map"

    def __init__(self, name: str, spec: dict[str, Any]) -> None:
        super().__init__(name, spec)
        processor = spec.get("ItemProcessor") or spec.get("Iterator")
        if processor is None:
            raise ValueError(f"Map state '{name}' has no ItemProcessor")
        self.machine = _machine.compile_machine(processor)
        config = processor.get("ProcessorConfig", {})
        self.distributed = config.get("Mode") == "DISTRIBUTED"
        # On a Map, Parameters is the legacy name of ItemSelector: it shapes each item.
        selector = spec.get("ItemSelector", spec.get("Parameters"))
        self.parameters = None
        self.item_selector = compile_template(selector) if selector is not None else None
        self.items_path = compile_path(spec.get("ItemsPath", "$"))
        self.max_concurrency = spec.get("MaxConcurrency", 0)
        self.max_concurrency_path = spec.get("MaxConcurrencyPath")
        self.label = spec.get("Label", name)

    # -- helpers shared with the distributed mode -------------------------------------------
    def item_scope(
        self, frame: Frame, entered: datetime, retry_count: int, index: int, value: Any
    ) -> Scope:
        def context() -> Any:
            ctx = frame.context(self.name, entered, retry_count)
            ctx["Map"] = {"Item": {"Index": index, "Value": value}}
            return ctx

        return Scope(context, frame.variable)

    def select_item(
        self,
        frame: Frame,
        effective: Any,
        entered: datetime,
        retry: int,
        index: int,
        value: Any,
        entered_id: int,
    ) -> Any:
        if self.item_selector is None:
            return value
        scope = self.item_scope(frame, entered, retry, index, value)
        return self.render(self.item_selector, effective, scope, entered_id)

    def width(self, effective: Any, scope: Scope, entered_id: int, cap: int) -> int:
        limit = self.max_concurrency
        if self.max_concurrency_path is not None:
            limit = self._select(
                compile_path(self.max_concurrency_path), effective, scope, entered_id
            )
            if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
                raise runtime_error(
                    self.name,
                    entered_id,
                    f"The MaxConcurrencyPath value must be a non-negative integer: {limit!r}",
                )
        return cap if not limit else min(limit, cap)

    # -- run ---------------------------------------------------------------------------------
    def run(self, frame: Frame, data: Any) -> tuple[Any, str | None]:
        entered_id, entered = self.enter(frame, data)

        def attempt(scope: Scope, retry_count: int) -> tuple[Any, str | None]:
            effective = self._select(self.input_path, data, scope, entered_id)
            if self.distributed:
                results = _distributed.run_map(self, frame, effective, scope, entered, entered_id)
            else:
                results = self._inline(frame, effective, scope, entered, retry_count, entered_id)
            return self.finish(frame, data, results, scope, entered_id)

        return self.with_retries(frame, data, entered, entered_id, attempt)

    def items(self, effective: Any, scope: Scope, entered_id: int) -> list[Any]:
        try:
            items = self.items_path.get(effective, scope.context, scope.variables)
        except PathNotFound as exc:
            raise runtime_error(
                self.name, entered_id, f"Invalid path '{exc.path}' : {exc.detail}"
            ) from None
        if not isinstance(items, list):
            raise runtime_error(
                self.name,
                entered_id,
                f"Invalid path '{self.items_path.text}': The ItemsPath field's value must "
                "reference a JSON array.",
            )
        return items

    def _inline(
        self,
        frame: Frame,
        effective: Any,
        scope: Scope,
        entered: datetime,
        retry: int,
        entered_id: int,
    ) -> list[Any]:
        items = self.items(effective, scope, entered_id)
        width = self.width(effective, scope, entered_id, INLINE_MAX_CONCURRENCY)
        started = frame.event("MapStateStarted", {"length": len(items)})

        def job_for(index: int, value: Any) -> Callable[[CancelToken], Any]:
            def job(group: CancelToken) -> Any:
                item_input = self.select_item(
                    frame, effective, entered, retry, index, value, entered_id
                )
                child = Frame(frame.run, started, parent=frame, cancel=group)
                marker = {"name": self.name, "index": index}
                child.event("MapIterationStarted", marker)
                try:
                    output = self.machine.run(child, item_input)
                except StatesError as exc:
                    child.event(
                        "MapIterationFailed", marker | {"error": exc.error, "cause": exc.cause}
                    )
                    raise
                except Stopped:
                    child.event("MapIterationAborted", marker)
                    raise
                child.event("MapIterationSucceeded", marker)
                return output

            return job

        try:
            results = run_concurrently(
                [job_for(i, v) for i, v in enumerate(items)], width, frame.cancel
            )
        except StatesError:
            frame.event("MapStateFailed")
            raise
        except Stopped:
            frame.event("MapStateAborted")
            raise
        frame.event("MapStateSucceeded")
        return results
