"""The first step of a daily run: validate its input and fill the defaults."""

from tasks.prepare_run.handler import handler
from tasks.prepare_run.logic import InvalidRunInput, prepare

__all__ = ["InvalidRunInput", "handler", "prepare"]
