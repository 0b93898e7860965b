"""``python -m thera_sdk.testweb``: serve the test web until interrupted.

Prints the settings JSON (or writes it with ``--settings PATH``) once every server is up.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from ._sites import default_sites, generate_sites
from ._web import TestWeb


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m thera_sdk.testweb", description=__doc__)
    parser.add_argument(
        "--sites", type=int, default=0, help="also serve N generated sample startup sites"
    )
    parser.add_argument(
        "--healthy-only",
        action="store_true",
        help="generated sites are all healthy (for benchmarks)",
    )
    parser.add_argument(
        "--latency", type=float, default=0.0, help="seconds added before every HTTP response"
    )
    parser.add_argument("--settings", help="write the settings JSON to this file")
    args = parser.parse_args(argv)
    sites = default_sites()
    if args.sites:
        share = 0.0 if args.healthy_only else 0.15
        sites += generate_sites(args.sites, broken_share=share)
    done = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: done.set())
    with TestWeb(sites, latency=args.latency) as web:
        settings = web.settings()
        if args.settings:
            settings.write(args.settings)
            print(f"test web up: {len(sites)} sites, settings in {args.settings}", flush=True)
        else:
            print(settings.to_json(), flush=True)
        done.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
