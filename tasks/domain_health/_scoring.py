"""Flags with evidence, and the 0-100 score they add up to.

========================== ======= =========================================================
flag                       penalty meaning
========================== ======= =========================================================
``dns_fail``               fatal   NXDOMAIN, SERVFAIL, DNS timeout or no address records
``blocked_private_address`` fatal  the name, an address it resolves to, or a redirect target
                                   is not public (loopback, private, metadata...): refused
``unreachable``            fatal   neither http nor https gave any HTTP response
``parked``                 70      parked or for-sale page
``default_page``           60      a web server's default page or a bare directory listing
``server_error``           50      the home page answers 5xx
``redirect_loop``          50      a redirect chain comes back to a URL it visited
``http_error``             40      the home page answers 4xx
``too_many_redirects``     40      more hops than allowed
``placeholder``            40      "coming soon", "lorem ipsum", "under construction"...
``blocked_port``           40      a redirect to a port other than 80, 443, 8080, 8443
``tls_invalid``            35      the certificate does not verify (expired, wrong host...)
``http_only``              30      https does not answer but http does
``redirect_offsite``       30      the site ends up on another domain
``thin_content``           30      the page has almost no visible text
``timeout``                20      a check ran out of time
``tls_expiring``           10      the certificate expires within ``tls_expiry_days``
``slow_response``          10      a response took longer than ``slow_seconds``
``no_https_redirect``      5       http serves the page instead of redirecting to https
``no_mx``                  5       the domain has no MX records
========================== ======= =========================================================
"""

from __future__ import annotations

from typing import Any

from tasks.domain_health._chains import ChainResult
from tasks.domain_health._content import ContentReport
from thera_sdk.net import DnsLookup

__all__ = ["FATAL", "PENALTIES", "assess", "score"]

PENALTIES: dict[str, int] = {
    "dns_fail": 100,
    "blocked_private_address": 100,
    "unreachable": 100,
    "parked": 70,
    "default_page": 60,
    "server_error": 50,
    "redirect_loop": 50,
    "http_error": 40,
    "too_many_redirects": 40,
    "placeholder": 40,
    "blocked_port": 40,
    "tls_invalid": 35,
    "http_only": 30,
    "redirect_offsite": 30,
    "thin_content": 30,
    "timeout": 20,
    "tls_expiring": 10,
    "slow_response": 10,
    "no_https_redirect": 5,
    "no_mx": 5,
}
FATAL = frozenset({"dns_fail", "blocked_private_address", "unreachable"})


def score(flags: dict[str, Any] | set[str]) -> int:
    """100 minus the penalties of ``flags``, never below 0; 0 for any fatal flag.

    Examples
    --------
    >>> score({"tls_expiring", "no_mx"}), score({"dns_fail"}), score(set())
    (85, 0, 100)
    """
    names = set(flags)
    if names & FATAL:
        return 0
    return max(0, 100 - sum(PENALTIES.get(name, 0) for name in names))


def _site(host: str) -> str:
    return host.lower().rstrip(".").removeprefix("www.")


def same_site(a: str, b: str) -> bool:
    """Whether two hosts belong to one site (equal, or one a subdomain of the other).

    Without a public-suffix list this is an approximation that errs towards "same site".

    Examples
    --------
    >>> same_site("www.acme.com", "shop.acme.com"), same_site("acme.com", "other.com")
    (True, False)
    """
    x, y = _site(a), _site(b)
    return (
        x == y
        or x.endswith("." + y)
        or y.endswith("." + x)
        or (x.split(".", 1)[-1] == y.split(".", 1)[-1] and x.count(".") > 1)
    )


def _host_of(url: str) -> str:
    rest = url.split("://", 1)[-1]
    host = rest.split("/", 1)[0]
    return host.rsplit(":", 1)[0] if not host.endswith("]") else host


def _add_blocked(flags: dict[str, Any], evidence: dict[str, Any]) -> None:
    reasons = {r.get("reason") for r in evidence.get("refused", [])}
    name = "blocked_port" if reasons == {"port_not_allowed"} else "blocked_private_address"
    flags.setdefault(name, {"targets": []})["targets"].append(evidence)


def _chain_flags(
    flags: dict[str, Any], host: str, chains: list[ChainResult], slow_ms: float
) -> None:
    for chain in chains:
        for evidence in chain.blocked:
            _add_blocked(flags, evidence)
        if chain.error_kind in ("redirect_loop", "too_many_redirects"):
            flags[chain.error_kind] = {"chain": chain.scheme, "hops": [h.url for h in chain.hops]}
        if chain.error_kind == "timeout":
            flags.setdefault("timeout", {})[chain.scheme] = chain.error
        target = chain.final_url
        if target and not same_site(host, _host_of(target)):
            flags["redirect_offsite"] = {"from": chain.start_url, "to": target}
        if chain.slowest_ms > slow_ms:
            flags.setdefault("slow_response", {})[chain.scheme] = chain.slowest_ms


def _content_flags(
    flags: dict[str, Any], chain: ChainResult, content: ContentReport, min_text_chars: int
) -> None:
    status = chain.status or 0
    if 400 <= status < 500:
        flags["http_error"] = {"status": status, "url": chain.final_url}
    elif status >= 500:
        flags["server_error"] = {"status": status, "url": chain.final_url}
    signals = content.signals
    if "parked" in signals or "for_sale" in signals:
        flags["parked"] = {
            "phrases": signals.get("parked", []) + signals.get("for_sale", []),
            "title": content.title,
            "for_sale": "for_sale" in signals,
        }
    if "default_page" in signals:
        flags["default_page"] = {"phrases": signals["default_page"], "title": content.title}
    placeholder = signals.get("placeholder", [])
    if placeholder and (content.text_chars < 2000 or "lorem ipsum" in placeholder):
        flags["placeholder"] = {"phrases": placeholder, "title": content.title}
    if 200 <= status < 300 and content.text_chars < min_text_chars:
        flags["thin_content"] = {
            "text_chars": content.text_chars,
            "bytes": content.bytes,
            "minimum": min_text_chars,
        }


def assess(
    *,
    host: str,
    dns: DnsLookup | None,
    http: ChainResult | None,
    https: ChainResult | None,
    content: tuple[ChainResult, ContentReport] | None,
    certificate: dict[str, Any] | None = None,
    tls_expiry_days: int = 14,
    slow_seconds: float = 3.0,
    min_text_chars: int = 200,
) -> dict[str, Any]:
    """Every flag that applies, each with its evidence.

    Examples
    --------
    >>> assess(host="x.test", dns=DnsLookup("x.test", "nxdomain"), http=None, https=None,
    ...        content=None)
    {'dns_fail': {'status': 'nxdomain', 'error': ''}}
    """
    flags: dict[str, Any] = {}
    if dns is not None and dns.status != "ok":
        flags["dns_fail"] = {"status": dns.status, "error": dns.error}
        return flags
    if dns is not None and dns.mx_status in ("none", "nxdomain"):
        flags["no_mx"] = {"mx_status": dns.mx_status}
    chains = [c for c in (http, https) if c is not None]
    _chain_flags(flags, host, chains, slow_seconds * 1000)
    if chains and not any(c.responded for c in chains):
        flags["unreachable"] = {c.scheme: c.error_kind or "no response" for c in chains}
        flags["unreachable"].update({f"{c.scheme}_error": c.error for c in chains})
    if https is not None and https.tls_error is not None:
        flags["tls_invalid"] = dict(https.tls_error, certificate=certificate)
    elif https is not None and https.tls is not None:
        days = https.tls.days_to_expiry
        if days is not None and days < tls_expiry_days:
            flags["tls_expiring"] = {"days_to_expiry": days, "not_after": https.tls.not_after}
    if (
        http is not None
        and https is not None
        and http.responded
        and not https.responded
        and https.error_kind in ("connect", "timeout", "protocol")
    ):
        flags["http_only"] = {"https_error": https.error}
    if (
        http is not None
        and https is not None
        and not http.upgraded_to_https
        and http.final_url
        and http.final_url.startswith("http://")
        and 200 <= (http.status or 0) < 300
        and https.responded
    ):
        flags["no_https_redirect"] = {"http_final_url": http.final_url}
    if content is not None:
        _content_flags(flags, content[0], content[1], min_text_chars)
    return flags
