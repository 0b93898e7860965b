"""Certificates for the test web: one trusted test CA, one untrusted CA, one context per site.

Server contexts are made on first use (by the SNI callback) and kept, so a web of thousands of
sites starts at once. Keys are ECDSA: issuing takes well under a millisecond.
"""

from __future__ import annotations

import datetime as dt
import ssl
import threading
from pathlib import Path

import trustme

from ._sites import Site

__all__ = ["CertificateStore"]


class CertificateStore:
    """Issues and caches the server context for each site's certificate mode."""

    def __init__(self, directory: Path) -> None:
        self.ca = trustme.CA(organization_name="Thera test web CA")
        self._rogue = trustme.CA(organization_name="Untrusted test CA")
        self.ca_bundle = directory / "testweb-ca.pem"
        self.ca.cert_pem.write_to_path(str(self.ca_bundle))
        self._contexts: dict[str, ssl.SSLContext] = {}
        self._lock = threading.Lock()
        # Shown when a client sends no SNI (or an unknown name): valid for no sample site.
        self.default_context = self._context(self.ca.issue_cert("testweb.invalid"))

    @staticmethod
    def _context(cert: trustme.LeafCert) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        cert.configure_cert(context)
        return context

    def _issue(self, site: Site) -> trustme.LeafCert:
        names = (site.domain, f"www.{site.domain}")
        now = dt.datetime.now(dt.UTC)
        if site.cert == "expired":
            start, end = now - dt.timedelta(days=400), now - dt.timedelta(days=30)
            return self.ca.issue_cert(*names, not_before=start, not_after=end)
        if site.cert == "expiring":
            start, end = now - dt.timedelta(days=85), now + dt.timedelta(days=5, hours=12)
            return self.ca.issue_cert(*names, not_before=start, not_after=end)
        if site.cert == "wrong_host":
            return self.ca.issue_cert("someone-else.test", "www.someone-else.test")
        if site.cert == "untrusted":
            return self._rogue.issue_cert(*names)
        return self.ca.issue_cert(*names)

    def context_for(self, site: Site) -> ssl.SSLContext:
        """The server context that presents ``site``'s certificate."""
        with self._lock:
            context = self._contexts.get(site.domain)
            if context is None:
                context = self._context(self._issue(site))
                self._contexts[site.domain] = context
            return context
