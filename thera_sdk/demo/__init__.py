"""The local demo: sample startups on a loopback web, the daily workflow, sample challenges."""

from thera_sdk.demo._data import (
    SAMPLE_CHALLENGES,
    SampleStartup,
    import_csv,
    sample_sites,
    sample_startups,
)
from thera_sdk.demo._run import DemoResult, run_demo

__all__ = [
    "SAMPLE_CHALLENGES",
    "DemoResult",
    "SampleStartup",
    "import_csv",
    "run_demo",
    "sample_sites",
    "sample_startups",
]
