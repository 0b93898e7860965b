"""Run the demo end to end in one process, on a data home of its own."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from thera_sdk.demo._data import SAMPLE_CHALLENGES, import_csv, sample_sites, sample_startups
from thera_sdk.local import Execution, LocalEngine
from thera_sdk.testweb import TestWeb
from workflows import daily
from workflows.functions import local_functions, local_substitutions

IMPORT_KEY = "imports/demo-startups.csv"


@dataclass
class DemoResult:
    home: Path
    execution: Execution
    answers: list[tuple[str, str | None, list[Any]]]  # (challenge, industry, matches)
    startups: int
    sites_broken: int


def run_demo(
    home: Path,
    *,
    count: int = 200,
    seed: int = 7,
    on_event: Callable[[str, dict[str, Any] | None], None] | None = None,
) -> DemoResult:
    """Serve ``count`` sample startups on loopback, run the daily workflow, answer challenges.

    ``home`` becomes ``THERA_HOME`` for this process: every port and task uses it.
    """
    home.mkdir(parents=True, exist_ok=True)
    os.environ["THERA_HOME"] = str(home)
    from thera_sdk import build_ports
    from thera_sdk.match import match

    startups = sample_startups(count, seed=seed)
    sites = sample_sites(startups, seed=seed)
    healthy_pages = sum(1 for s in sites if "/product" in s.pages)
    with build_ports() as ports:
        ports.objects.put(ports.settings.data_bucket, IMPORT_KEY, import_csv(startups))
    (home / "testweb").mkdir(exist_ok=True)
    with TestWeb(sites, directory=home / "testweb") as web:
        settings_file = web.settings().write(home / "testweb.json")
        os.environ["THERA_TESTWEB"] = str(settings_file)
        try:
            engine = LocalEngine(functions=local_functions(), on_event=on_event)
            execution = engine.run(
                daily.build().compile(),
                {"source": "file", "file": IMPORT_KEY, "web": True},
                state_machine_name="thera-daily",
                substitutions=local_substitutions(),
            )
        finally:
            os.environ.pop("THERA_TESTWEB", None)
    answers = []
    if execution.status == "SUCCEEDED":
        for text, industry in SAMPLE_CHALLENGES:
            answers.append((text, industry, match(text, industry=industry, limit=20)))
    return DemoResult(home, execution, answers, len(startups), len(sites) - healthy_pages)
