"""Plan the next fan-out stage of a daily run: write its item manifest, clear its output."""

from tasks.plan_stage.handler import handler
from tasks.plan_stage.logic import STAGES, healthy_domains, source_domains

__all__ = ["STAGES", "handler", "healthy_domains", "source_domains"]
