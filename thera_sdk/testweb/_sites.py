"""What the test web serves: sites described as plain data.

A :class:`Site` says how its name resolves (``dns``), what each path returns (``pages``), how
its http and https ports behave, and which certificate it shows. :func:`default_sites` is a
healthy site plus one site per broken case; :func:`generate_sites` makes many plausible startup
sites (with a share of broken ones) for the demo and the benchmark.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Literal

__all__ = [
    "CANARY_HOST",
    "Page",
    "Site",
    "default_sites",
    "generate_sites",
    "healthy_page",
    "redirect",
]

# Stands for the canary listener's address in a Location header; the web fills in the port.
CANARY_HOST = "{canary}"

DnsMode = Literal["ok", "nxdomain", "servfail", "timeout"]
HttpMode = Literal["redirect", "serve", "refuse"]
HttpsMode = Literal["serve", "refuse"]
CertMode = Literal["valid", "expired", "expiring", "wrong_host", "untrusted"]


@dataclass(frozen=True)
class Page:
    """One response: status, body, content type, extra headers, and a delay before answering."""

    body: str | bytes = ""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    delay: float = 0.0


@dataclass(frozen=True)
class Site:
    """A sample site.

    Parameters
    ----------
    domain
        Its name; ``www.<domain>`` and ``mail.<domain>`` resolve too.
    pages
        Path (without query) to :class:`Page`; other paths get a 404.
    dns
        ``ok``, or ``nxdomain`` / ``servfail`` / ``timeout`` (the server stays silent).
    addresses
        Explicit A/AAAA records (e.g. a private address); by default the web assigns a
        documentation-range address that its ``dial_map`` sends to its loopback servers.
    cname
        Answer with a CNAME to this name (a site in the same web) instead of addresses.
    mx
        MX records as ``"preference exchange"``; ``None`` gives ``10 mail.<domain>``.
    http, https
        ``redirect`` (301 to https), ``serve`` (the pages) or ``refuse`` (connection refused).
    cert
        ``valid``, ``expired``, ``expiring`` (5 days left), ``wrong_host``, ``untrusted``.
    latency
        Seconds added before every response of this site.

    Examples
    --------
    >>> Site("acme.test", pages={"/": healthy_page("Acme")}).cert
    'valid'
    """

    domain: str
    pages: Mapping[str, Page] = field(default_factory=lambda: MappingProxyType({}))
    dns: DnsMode = "ok"
    addresses: tuple[str, ...] = ()
    cname: str | None = None
    mx: tuple[str, ...] | None = None
    http: HttpMode = "redirect"
    https: HttpsMode = "serve"
    cert: CertMode = "valid"
    latency: float = 0.0

    @property
    def mx_records(self) -> tuple[str, ...]:
        """The MX records served."""
        return (f"10 mail.{self.domain}",) if self.mx is None else self.mx


def redirect(location: str, status: int = 302) -> Page:
    """A redirect page.

    Examples
    --------
    >>> redirect("/next").headers["Location"]
    '/next'
    """
    return Page(status=status, headers=MappingProxyType({"Location": location}))


_WORDS = [
    "quantum",
    "leaf",
    "harbor",
    "signal",
    "vector",
    "orbit",
    "forge",
    "lumen",
    "cobalt",
    "prism",
    "tidal",
    "ember",
    "nimbus",
    "atlas",
    "kinetic",
    "mosaic",
    "relay",
    "summit",
    "verdant",
    "cipher",
]
_FIELDS = (
    ("analytics", "Fintech", "fraud scoring for card-not-present payments"),
    ("robotics", "Manufacturing", "vision-guided picking robots for small warehouses"),
    ("health", "Healthtech", "remote monitoring of chronic heart patients"),
    ("energy", "Climate", "battery scheduling for commercial solar sites"),
    ("logistics", "Logistics", "route planning for same-day grocery delivery"),
    ("security", "Cybersecurity", "phishing detection for small-business email"),
    ("agri", "Agtech", "soil moisture sensing for vineyards"),
    ("learning", "Edtech", "adaptive maths practice for secondary schools"),
)


def healthy_page(name: str, about: str = "tools that help teams ship faster") -> Page:
    """A plausible home page with a title, headings, links and a few paragraphs of text.

    Examples
    --------
    >>> "<title>Acme</title>" in healthy_page("Acme").body
    True
    """
    body = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{name}</title>
<meta name="description" content="{name} builds {about}."></head>
<body><header><nav><a href="/">Home</a> <a href="/product">Product</a>
<a href="/pricing">Pricing</a> <a href="/team">Team</a> <a href="/customers">Customers</a></nav>
</header><main><h1>{name}</h1>
<p>{name} builds {about}. Founded by engineers who lived the problem, we ship software that
customers deploy in days, not months, and measure against the outcomes they care about.</p>
<h2>Product</h2><p>Our platform connects to the systems you already run, learns from your data
and explains every decision it makes, so your team stays in control.</p>
<h2>Customers</h2><p>Teams in Europe and North America use {name} every day; read their stories
on our customers page.</p></main><footer>&copy; {name}</footer></body></html>"""
    return Page(body=body)


def _section(name: str, title: str, text: str) -> Page:
    return Page(
        body=f"<!doctype html><html><head><title>{title} - {name}</title></head><body>"
        f"<h1>{title}</h1><p>{text}</p></body></html>"
    )


def _startup_pages(name: str, about: str) -> dict[str, Page]:
    return {
        "/": healthy_page(name, about),
        "/product": _section(name, "Product", f"How {name} works: {about}, end to end."),
        "/pricing": _section(name, "Pricing", "Starter, Team and Enterprise plans, per seat."),
        "/team": _section(name, "Team", "Founders and engineers from research and industry."),
        "/customers": _section(name, "Customers", "Case studies from our first customers."),
        "/robots.txt": Page(body="User-agent: *\nDisallow: /private/\n", content_type="text/plain"),
    }


def default_sites() -> list[Site]:
    """A healthy site and one site per broken case, under ``.test``.

    Examples
    --------
    >>> {s.domain for s in default_sites()} >= {"healthy.test", "parked.test", "nxdomain.test"}
    True
    """
    healthy = _startup_pages("Healthy Robotics", "vision-guided picking robots")
    home = {"/": healthy_page("Sample Company")}
    loop = {"/": redirect("/a"), "/a": redirect("/b"), "/b": redirect("/")}
    parked = Page(
        body="<html><head><title>parked.test is for sale</title></head><body><h1>This domain "
        "is parked free, courtesy of a registrar.</h1><p>Buy this domain. The domain owner may "
        "be interested in selling it.</p></body></html>"
    )
    nginx = Page(
        body="<html><head><title>Welcome to nginx!</title></head><body><h1>Welcome to nginx!"
        "</h1><p>If you see this page, the nginx web server is successfully installed and "
        "working. Further configuration is required.</p></body></html>"
    )
    placeholder = Page(
        body="<html><head><title>Coming soon</title></head><body><h1>Coming soon</h1><p>Lorem "
        "ipsum dolor sit amet, consectetur adipiscing elit. Our website is under construction."
        "</p></body></html>"
    )
    return [
        Site("healthy.test", pages=healthy),
        Site("alias.test", cname="healthy.test", pages=healthy),
        Site("no-mx.test", pages=home, mx=()),
        Site("nxdomain.test", dns="nxdomain"),
        Site("servfail.test", dns="servfail"),
        Site("dns-timeout.test", dns="timeout"),
        Site("expired-cert.test", pages=home, cert="expired"),
        Site("expiring-cert.test", pages=home, cert="expiring"),
        Site("wrong-host.test", pages=home, cert="wrong_host"),
        Site("untrusted-cert.test", pages=home, cert="untrusted"),
        Site("http-only.test", pages=home, http="serve", https="refuse"),
        Site("no-https-redirect.test", pages=home, http="serve"),
        Site("unreachable.test", http="refuse", https="refuse"),
        Site("server-error.test", pages={"/": Page(body="Internal Server Error", status=500)}),
        Site("not-found.test", pages={}),
        Site("slow.test", pages=home, latency=5.0),
        Site("redirect-loop.test", pages=loop),
        Site("redirect-offsite.test", pages={"/": redirect("https://healthy.test/", 301)}),
        Site("redirect-private.test", pages={"/": redirect(f"http://{CANARY_HOST}/admin")}),
        Site(
            "redirect-metadata.test",
            pages={"/": redirect("http://169.254.169.254/latest/meta-data/")},
        ),
        Site("redirect-private-name.test", pages={"/": redirect("http://private-name.test/")}),
        Site("private-name.test", addresses=("10.0.0.7",)),
        Site("loopback-name.test", addresses=("127.0.0.1",)),
        Site("metadata-name.test", addresses=("169.254.169.254",)),
        Site("mapped-name.test", addresses=("::ffff:127.0.0.1",)),
        Site("mixed-name.test", addresses=("93.184.216.34", "192.168.1.10")),
        Site("parked.test", pages={"/": parked}),
        Site("default-page.test", pages={"/": nginx}),
        Site("placeholder.test", pages={"/": placeholder}),
        Site("empty.test", pages={"/": Page(body="")}),
    ]


def generate_sites(
    count: int, *, seed: int = 0, broken_share: float = 0.15, suffix: str = "test"
) -> list[Site]:
    """``count`` sample startup sites with five pages each; a share of them broken.

    The same ``seed`` always gives the same sites.

    Examples
    --------
    >>> sites = generate_sites(200, seed=1)
    >>> len(sites), len({s.domain for s in sites})
    (200, 200)
    """
    rng = random.Random(seed)
    broken = [s for s in default_sites() if s.domain != "healthy.test" and not s.cname]
    sites: list[Site] = []
    for i in range(count):
        word = rng.choice(_WORDS)
        kind, _industry, about = _FIELDS[i % len(_FIELDS)]
        domain = f"{word}-{kind}-{i:04d}.{suffix}"
        name = f"{word.title()} {kind.title()}"
        site = Site(domain, pages=_startup_pages(name, about))
        if rng.random() < broken_share:
            template = rng.choice(broken)
            site = replace(template, domain=domain)
        sites.append(site)
    return sites
