"""A live view of a local run: a line per finished stage, a bar while a Map fans out."""

from __future__ import annotations

import time
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

_FAILURES = frozenset(
    {
        "TaskFailed",
        "TaskTimedOut",
        "LambdaFunctionFailed",
        "LambdaFunctionTimedOut",
        "MapStateFailed",
        "ParallelStateFailed",
        "MapRunFailed",
    }
)
_NESTED_START = frozenset({"MapStateStarted", "ParallelStateStarted"})
_NESTED_END = frozenset(
    {
        "MapStateSucceeded",
        "MapStateFailed",
        "MapStateAborted",
        "ParallelStateSucceeded",
        "ParallelStateFailed",
        "ParallelStateAborted",
    }
)


class StageProgress:
    """``LocalEngine(on_event=...)`` listener; call ``close()`` when the run ends."""

    def __init__(self, console: Console, quiet: bool = False) -> None:
        self.console = console
        self.quiet = quiet
        self.depth = 0
        self.started: dict[str, float] = {}
        self.failed = False
        self.bar: Progress | None = None
        self.task: Any = None

    def __call__(self, event_type: str, details: dict[str, Any] | None) -> None:
        if self.quiet:
            return
        if event_type.endswith("StateEntered") and self.depth == 0 and details:
            self.started[details["name"]] = time.perf_counter()
            self.failed = False
        if self.depth == 0 and event_type in _FAILURES:
            self.failed = True
        if event_type in _NESTED_START:
            self.depth += 1
            if event_type == "MapStateStarted" and self.depth == 1 and details:
                self._open_bar(int(details.get("length", 0)))
        elif event_type in _NESTED_END:
            self.depth = max(0, self.depth - 1)
            if self.depth == 0:
                self._close_bar()
        elif event_type in ("MapIterationSucceeded", "MapIterationFailed"):
            if self.depth == 1 and self.bar is not None:
                self.bar.advance(self.task)
        elif event_type == "ChildExecutionFinished" and self.bar is not None:
            self.bar.advance(self.task)
        if event_type.endswith("StateExited") and self.depth == 0 and details:
            name = details["name"]
            took = time.perf_counter() - self.started.pop(name, time.perf_counter())
            mark = "[red]✗[/red]" if self.failed else "[green]✓[/green]"
            self.console.print(f"{mark} {name} [dim]({took:.1f} s)[/dim]")

    def _open_bar(self, total: int) -> None:
        self._close_bar()
        self.bar = Progress(
            TextColumn("  batches"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=self.console,
            transient=True,
        )
        self.task = self.bar.add_task("batches", total=total or None)
        self.bar.start()

    def _close_bar(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None

    def close(self) -> None:
        self._close_bar()
