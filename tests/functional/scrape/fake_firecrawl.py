"""A fake Firecrawl v2 on 127.0.0.1, behaving as the reference notes describe.

``POST /v2/scrape`` answers ``{success, data: {markdown, links, metadata}}``; a URL the fake
has no page for is a target-site 404 (still ``success: true``, ``metadata.statusCode: 404``).
``POST /v2/batch/scrape`` starts a job that completes ``per_poll`` pages per status poll;
``GET /v2/batch/scrape/{id}`` pages its ``data`` ``page_size`` documents at a time through
``next``; ``GET .../errors`` lists failed URLs; ``DELETE`` cancels. Bearer auth is checked, and
the next requests can be made to fail with 429 (``Retry-After``), 5xx, malformed bodies or
timeouts.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

API_KEY = "fc-test-key"

RICH_MARKDOWN = """# Acme Fraud

Acme scores card-not-present payments in real time for regional banks.

## Product
Our models explain each decision.

## Customers
Read our [case studies](https://acme.example/customers) and see [pricing](/pricing).
"""


def page_doc(url: str, *, markdown: str = RICH_MARKDOWN, status: int = 200) -> dict[str, Any]:
    """A page document as Firecrawl returns it."""
    return {
        "markdown": markdown,
        "links": [f"{url.rstrip('/')}/team", f"{url.rstrip('/')}/pricing"],
        "metadata": {
            "title": ["Acme Fraud"], "description": "Payments fraud scoring", "language": "en",
            "sourceURL": url, "url": url, "statusCode": status, "contentType": "text/html",
            "creditsUsed": 1, "error": None if status < 400 else "Not Found",
        },
    }


@dataclass
class Job:
    urls: list[str]
    ok: list[str]
    failed: list[str]
    completed: int = 0
    status: str = "scraping"


@dataclass
class FakeFirecrawl:
    """State: known pages, jobs, injected faults and every request seen."""

    pages: dict[str, dict[str, Any]] = field(default_factory=dict)
    faults: list[str] = field(default_factory=list)
    requests: list[tuple[str, str]] = field(default_factory=list)
    jobs: dict[str, Job] = field(default_factory=dict)
    per_poll: int = 2
    page_size: int = 2
    stall: bool = False
    timeout_delay: float = 1.0
    url: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fail_next(self, *kinds: str) -> None:
        """Fail the next requests: ``429``, ``429-no-header``, ``500``, ``502``, ``503``,
        ``408``, ``401``, ``402``, ``malformed``, ``timeout`` (``none`` lets one through)."""
        with self.lock:
            self.faults.extend(kinds)

    def add_site(self, url: str, **kwargs: Any) -> None:
        self.pages[url] = page_doc(url, **kwargs)


def _handler(state: FakeFirecrawl) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _raw(self, status: int, body: bytes, headers: dict[str, str] | None = None,
                 content_type: str = "application/json") -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def _json(self, status: int, data: Any, headers: dict[str, str] | None = None) -> None:
            self._raw(status, json.dumps(data).encode(), headers)

        def _error(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
            self._json(status, {"success": False, "error": message}, headers)

        def _begin(self, method: str) -> bool:
            """Log, authenticate and apply a fault; ``False`` when the request was answered."""
            length = int(self.headers.get("Content-Length") or 0)
            self.body = json.loads(self.rfile.read(length) or b"{}") if length else {}
            with state.lock:
                state.requests.append((method, self.path))
                fault = state.faults.pop(0) if state.faults else None
            if self.headers.get("Authorization") != f"Bearer {API_KEY}":
                self._error(401, "Unauthorized: Invalid token")
                return False
            if fault is None or fault == "none":
                return True
            if fault == "429":
                self._error(429, "Rate limit exceeded. Consumed (req/min): 20, Remaining "
                            "(req/min): 0. Upgrade your plan.", {"Retry-After": "1"})
            elif fault == "429-no-header":
                self._error(429, "Concurrency limit reached")
            elif fault in {"500", "502", "503", "408", "401", "402"}:
                self._error(int(fault), f"fault {fault}")
            elif fault == "malformed":
                self._raw(200, b'{"success": true, "data": {"markdo')
            elif fault == "timeout":
                time.sleep(state.timeout_delay)
                self._error(500, "too late")
            else:
                raise AssertionError(f"unknown fault {fault}")
            return False

        def do_POST(self) -> None:
            if not self._begin("POST"):
                return
            if self.path == "/v2/scrape":
                url = self.body["url"]
                doc = state.pages.get(url) or page_doc(url, markdown="", status=404)
                self._json(200, {"success": True, "data": doc})
            elif self.path == "/v2/batch/scrape":
                urls = list(self.body["urls"])
                invalid = [u for u in urls if "invalid" in u]
                valid = [u for u in urls if u not in invalid]
                job_id = f"job-{len(state.jobs) + 1}"
                state.jobs[job_id] = Job(
                    urls=valid, ok=[u for u in valid if u in state.pages],
                    failed=[u for u in valid if u not in state.pages],
                )
                self._json(200, {"success": True, "id": job_id,
                                 "url": f"{state.url}/batch/scrape/{job_id}",
                                 "invalidURLs": invalid})
            else:
                self._error(404, "Not found")

        def do_DELETE(self) -> None:
            if not self._begin("DELETE"):
                return
            job = state.jobs.get(self.path.rsplit("/", 1)[-1])
            if job is None:
                self._error(404, "Job not found")
                return
            job.status = "cancelled"
            self._json(200, {"success": True, "status": "cancelled"})

        def do_GET(self) -> None:
            if not self._begin("GET"):
                return
            parts = urlsplit(self.path)
            segments = parts.path.strip("/").split("/")
            job = state.jobs.get(segments[3]) if len(segments) >= 4 else None
            if job is None:
                self._error(404, "Job expired")
                return
            if segments[-1] == "errors":
                self._json(200, {"errors": [{"id": "e1", "timestamp": "2026-01-01T00:00:00Z",
                                             "url": u, "code": "SCRAPE_TIMEOUT",
                                             "error": "Page load timed out"} for u in job.failed],
                                 "robotsBlocked": []})
                return
            skip = int(parse_qs(parts.query).get("skip", ["0"])[0])
            if skip == 0 and job.status == "scraping" and not state.stall:
                job.completed = min(len(job.ok), job.completed + state.per_poll)
                if job.completed == len(job.ok):
                    job.status = "completed"
            done = job.ok[: job.completed]
            chunk = done[skip: skip + state.page_size]
            more = skip + state.page_size < len(done)
            self._json(200, {
                "status": job.status, "total": len(job.urls), "completed": job.completed,
                "creditsUsed": job.completed + len(job.failed) * (job.status == "completed"),
                "expiresAt": "2026-01-02T00:00:00Z",
                "next": f"{state.url}/batch/scrape/{segments[3]}?skip={skip + state.page_size}"
                if more else None,
                "data": [state.pages[u] for u in chunk],
            })

    return Handler


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass


def serve(state: FakeFirecrawl) -> Iterator[FakeFirecrawl]:
    """Run the fake on a free loopback port while the generator is suspended."""
    server = _QuietServer(("127.0.0.1", 0), _handler(state))
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/v2"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
