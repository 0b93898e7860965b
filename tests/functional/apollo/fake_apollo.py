"""A fake Apollo organization search on 127.0.0.1, behaving as the reference notes describe.

It serves ``POST /api/v1/mixed_companies/search`` over a generated universe of companies,
filtered by ``organization_locations``, ``organization_num_employees_ranges`` and
``q_organization_keyword_tags``, with ``page``/``per_page`` pagination. It checks the
``x-api-key`` header (401 otherwise), enforces its own minute/hour/day limits with fixed windows
on an injectable clock (429 with ``Retry-After`` and Apollo's message), and can be told to fail
the next requests with 429, 5xx, a malformed body, or a timeout.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

API_KEY = "apollo-test-key"
LOCATIONS = ("Germany", "France", "Spain")
TAGS = ("fintech", "health", "climate")


def make_org(number: int, *, version: int = 0) -> dict[str, Any]:
    """A generated organization; ``version`` changes its description."""
    return {
        "id": f"org{number:05d}",
        "name": f"Company {number}",
        "primary_domain": f"company{number}.example.com",
        "website_url": f"http://www.company{number}.example.com",
        "short_description": f"Company {number} makes things (v{version}).",
        "industry": ("Financial Services", "Health", "Renewables")[number % 3],
        "keywords": [TAGS[number % 3]],
        "estimated_num_employees": 1 + (number * 7) % 400,
        "founded_year": 2000 + number % 24,
        "country": LOCATIONS[number % 3],
        "city": "Berlin",
        "linkedin_url": f"http://www.linkedin.com/company/c{number}",
        "primary_phone": {"number": f"+49 30 {number:07d}", "source": "Owler"},
        "phone": f"+49 30 {number:07d}",
        "alexa_ranking": number * 13,
    }


def _in_range(employees: int, text: str) -> bool:
    low, _, high = text.partition(",")
    return employees >= int(low) and (not high.strip() or employees <= int(high))


@dataclass
class FakeApollo:
    """State of the fake: the companies, the limits, injected faults and what was asked."""

    orgs: list[dict[str, Any]]
    clock: Callable[[], float] = time.time
    limits: dict[str, int] = field(default_factory=lambda: {"minute": 10**9, "hour": 10**9,
                                                            "day": 10**9})
    url: str = ""
    faults: list[str] = field(default_factory=list)
    requests: list[tuple[str, int, int]] = field(default_factory=list)  # (query, page, status)
    windows: Counter[tuple[str, int]] = field(default_factory=Counter)
    timeout_delay: float = 1.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fail_next(self, *kinds: str) -> None:
        """Make the next requests fail: ``429``, ``500``, ``503``, ``malformed``, ``html``,
        ``shape``, ``timeout``, ``401``, ``422``."""
        with self.lock:
            self.faults.extend(kinds)

    def successes(self) -> Counter[tuple[str, int]]:
        """How many times each (query, page) was answered with 200."""
        return Counter((q, p) for q, p, status in self.requests if status == 200)

    def max_per_window(self) -> dict[str, int]:
        """The most requests any fixed window saw, per window kind."""
        best = {"minute": 0, "hour": 0, "day": 0}
        for (kind, _), count in self.windows.items():
            best[kind] = max(best[kind], count)
        return best

    def select(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        found = self.orgs
        locations = body.get("organization_locations")
        if locations:
            found = [o for o in found if o["country"] in locations]
        ranges = body.get("organization_num_employees_ranges")
        if ranges:
            found = [o for o in found
                     if any(_in_range(o["estimated_num_employees"], r) for r in ranges)]
        tags = body.get("q_organization_keyword_tags")
        if tags:
            found = [o for o in found if set(o["keywords"]) & set(tags)]
        return found


def _handler(state: FakeApollo) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
            pass

        query: str = ""
        page: int = 0
        logged: int | None = None  # the status to log when it differs from the HTTP one

        def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None,
                  content_type: str = "application/json") -> None:
            # Log before answering: the client may look at the log as soon as it has the answer.
            with state.lock:
                state.requests.append((self.query, self.page, self.logged or status))
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def _json(self, status: int, data: Any, headers: dict[str, str] | None = None) -> None:
            self._send(status, json.dumps(data).encode(), headers)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            raw = self.rfile.read(length)
            if self.path != "/api/v1/mixed_companies/search":
                self._json(404, {"error": "Not found"})
                return
            if self.headers.get("x-api-key") != API_KEY:
                self._json(401, {"error": "Invalid access credentials."})
                return
            body = json.loads(raw or b"{}")
            page, per_page = int(body.get("page", 1)), int(body.get("per_page", 25))
            self.query = json.dumps(
                {k: v for k, v in body.items() if k not in {"page", "per_page"}}, sort_keys=True
            )
            self.page = page
            self._answer(body, page, per_page)

        def _answer(self, body: dict[str, Any], page: int, per_page: int) -> None:
            now = state.clock()
            with state.lock:
                fault = state.faults.pop(0) if state.faults else None
                over = None
                for kind, size in (("minute", 60), ("hour", 3600), ("day", 86400)):
                    window = (kind, int(now // size))
                    state.windows[window] += 1
                    if state.windows[window] > state.limits[kind] and over is None:
                        over = (kind, size - now % size)
            if over is not None:
                kind, wait = over
                self._json(429, {"message": f"The maximum number of api calls allowed for "
                                 f"api/v1/mixed_companies/search is {state.limits[kind]} times "
                                 f"per {kind}. Please upgrade your plan."},
                           {"retry-after": str(int(wait) + 1)})
                return
            if fault is not None:
                self._fault(fault)
                return
            found = state.select(body)
            total_pages = -(-len(found) // per_page)
            chunk = found[(page - 1) * per_page: page * per_page] if page <= 500 else []
            self._json(200, {
                "breadcrumbs": [], "partial_results_only": False,
                "pagination": {"page": page, "per_page": per_page,
                               "total_entries": len(found), "total_pages": total_pages},
                "accounts": [], "organizations": chunk, "model_ids": [o["id"] for o in chunk],
            }, {"x-minute-requests-left": "7", "x-minute-usage": "3"})

        def _fault(self, fault: str) -> None:
            if fault == "429":
                self._json(429, {"message": "The maximum number of api calls allowed for "
                                 "api/v1/mixed_companies/search is 600 times per hour."},
                           {"retry-after": "1"})
            elif fault in {"500", "502", "503"}:
                self._json(int(fault), {"error": "Internal error"})
            elif fault == "401":
                self._json(401, {"error": "Invalid access credentials."})
            elif fault == "422":
                self._json(422, {"error": "Invalid parameters"})
            elif fault == "malformed":
                self.logged = 200_001  # a 200 that is not a success
                self._send(200, b'{"pagination": {"page": 1, "total_pa')
            elif fault == "html":
                self.logged = 200_001
                self._send(200, b"<html>oops</html>", content_type="text/html")
            elif fault == "shape":
                self.logged = 200_001
                self._json(200, {"people": []})
            elif fault == "timeout":
                time.sleep(state.timeout_delay)
                self.logged = 200_002
                self._json(200, {"pagination": {}, "organizations": []})
            else:
                raise AssertionError(f"unknown fault {fault}")

    return Handler


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gave up (the timeout tests) closes the socket under the handler.
        pass


def serve(state: FakeApollo) -> Iterator[FakeApollo]:
    """Run the fake on a free loopback port while the generator is suspended."""
    server = _QuietServer(("127.0.0.1", 0), _handler(state))
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/api/v1"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
