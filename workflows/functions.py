"""The task functions the workflows call, one Lambda each, and how they are sized.

A workflow names a function through a ``${<Key>Arn}`` placeholder (``FunctionSpec.placeholder``):
CloudFormation fills it with the deployed ARN through ``DefinitionSubstitutions``; the local engine
fills it with the plain function name and calls ``handler`` in process.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FunctionSpec:
    """One task Lambda: where its handler lives and what it needs to run."""

    key: str  # CamelCase, used for CloudFormation logical ids and placeholders
    name: str  # function name suffix: the deployed name is "<stack>-<name>"
    handler: str  # "tasks.<module>.handler.handler"
    description: str
    memory_mb: int = 512
    timeout_s: int = 300
    reserved_concurrency: int | None = None
    public: bool = False  # reachable by client apps (the matcher), not only by workflows

    @property
    def placeholder(self) -> str:
        return "${" + self.key + "Arn}"

    def load(self) -> Callable[[Any, Any], Any]:
        """Import the handler function."""
        module_name, _, attribute = self.handler.rpartition(".")
        return getattr(importlib.import_module(module_name), attribute)  # type: ignore[no-any-return]


FUNCTIONS: tuple[FunctionSpec, ...] = (
    FunctionSpec("PrepareRun", "prepare-run", "tasks.prepare_run.handler.handler",
                 "Validates a run's input and fills its defaults.", memory_mb=256, timeout_s=30),
    FunctionSpec("ApolloDeltaPull", "apollo-delta-pull", "tasks.apollo_delta_pull.handler.handler",
                 "Pulls new and changed companies from Apollo within the shared quota.",
                 timeout_s=900, reserved_concurrency=1),
    FunctionSpec("ImportCompanies", "import-companies", "tasks.import_companies.handler.handler",
                 "Imports companies from a CSV or JSONL file in the documented format.",
                 timeout_s=900),
    FunctionSpec("DomainHealth", "domain-health", "tasks.domain_health.handler.handler",
                 "Checks DNS, HTTP, HTTPS, TLS and content of a batch of domains.",
                 timeout_s=300, reserved_concurrency=50),
    FunctionSpec("PlanStage", "plan-stage", "tasks.plan_stage.handler.handler",
                 "Writes the item manifest for the next stage of a run.", timeout_s=300),
    FunctionSpec("FirecrawlScrape", "firecrawl-scrape", "tasks.firecrawl_scrape.handler.handler",
                 "Scrapes a batch of healthy domains (Firecrawl or the direct scraper).",
                 timeout_s=900, reserved_concurrency=10),
    FunctionSpec("CurateCompanies", "curate-companies", "tasks.curate_companies.handler.handler",
                 "Joins a day's companies with their health and pages into silver/companies.",
                 memory_mb=1024, timeout_s=900),
    FunctionSpec("EmbeddingsBatch", "embeddings-batch", "tasks.embeddings_batch.handler.handler",
                 "Embeds new and changed companies and rebuilds the matcher index.",
                 memory_mb=2048, timeout_s=900, reserved_concurrency=5),
    FunctionSpec("Publisher", "publisher", "tasks.publisher.handler.handler",
                 "Publishes public (PII-free) and private startup records.", timeout_s=900),
    FunctionSpec("Ams", "ams", "tasks.ams.handler.handler",
                 "Computes the daily Average Match Score metrics.", timeout_s=300),
    FunctionSpec("MlTrainer", "ml-trainer", "tasks.ml_trainer.handler.handler",
                 "Trains the match re-ranking model on shortlist feedback.",
                 memory_mb=2048, timeout_s=900),
    FunctionSpec("Matcher", "matcher", "tasks.matcher.handler.handler",
                 "Answers a challenge with the best-fitting startups.",
                 memory_mb=2048, timeout_s=30, public=True),
)

BY_KEY = {spec.key: spec for spec in FUNCTIONS}


def local_substitutions() -> dict[str, str]:
    """Placeholders filled with plain function names, for the local engine."""
    return {f"{spec.key}Arn": spec.name for spec in FUNCTIONS}


class LocalFunctions(Mapping[str, Callable[[Any, Any], Any]]):
    """Handlers by function name, each imported the first time a run calls it."""

    def __init__(self) -> None:
        self._specs = {spec.name: spec for spec in FUNCTIONS}
        self._loaded: dict[str, Callable[[Any, Any], Any]] = {}

    def __getitem__(self, name: str) -> Callable[[Any, Any], Any]:
        if name not in self._loaded:
            self._loaded[name] = self._specs[name].load()
        return self._loaded[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._specs)

    def __len__(self) -> int:
        return len(self._specs)


def local_functions() -> LocalFunctions:
    """Every task handler by function name, imported on demand."""
    return LocalFunctions()
