"""Sample startups for the demo: companies in the import format and their web sites.

Everything is generated from a seed, so every demo run sees the same ~200 startups across a
dozen industries and as many countries, with some sites broken the ways real ones are (no DNS,
expired certificate, parked page, server errors...).
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass, replace

from thera_sdk.testweb import Page, Site, default_sites

# industry -> (domain word, [(product, what it does, keywords)])
_CATALOGUE: dict[str, tuple[str, list[tuple[str, str, str]]]] = {
    "Fintech": ("pay", [
        ("fraud scoring", "real-time transaction fraud scoring for card-not-present payments",
         "fraud;payments;risk;machine learning"),
        ("credit decisions", "cash-flow based credit decisions for small-business lending",
         "lending;credit risk;open banking"),
        ("reconciliation", "automated bank reconciliation and ledger matching for finance teams",
         "accounting;reconciliation;automation"),
        ("compliance", "anti-money-laundering transaction monitoring for regional banks",
         "aml;kyc;compliance;banking"),
    ]),
    "Healthtech": ("care", [
        ("remote monitoring", "remote monitoring of chronic heart patients with wearable sensors",
         "cardiology;wearables;remote care"),
        ("triage", "symptom triage chat for hospital emergency departments",
         "triage;hospitals;nlp"),
        ("imaging", "AI reading of chest X-rays to prioritise radiology work lists",
         "radiology;imaging;computer vision"),
    ]),
    "Climate": ("grid", [
        ("battery scheduling", "battery scheduling for commercial solar sites",
         "energy storage;solar;optimisation"),
        ("carbon accounting", "scope 3 carbon accounting from supplier invoices",
         "carbon;emissions;esg;reporting"),
        ("heat pumps", "predictive maintenance of industrial heat pumps",
         "heat pumps;maintenance;iot"),
    ]),
    "Logistics": ("route", [
        ("route planning", "route planning for same-day grocery delivery fleets",
         "last mile;routing;delivery"),
        ("freight matching", "freight matching that fills empty truck return trips",
         "freight;trucking;marketplace"),
        ("warehouse slotting", "warehouse slotting that cuts picker walking time",
         "warehouse;picking;optimisation"),
    ]),
    "Cybersecurity": ("shield", [
        ("phishing defence", "phishing detection for small-business email",
         "phishing;email security;smb"),
        ("identity", "passwordless employee login with device-bound keys",
         "identity;authentication;zero trust"),
        ("cloud posture", "misconfiguration scanning for multi-cloud accounts",
         "cloud security;posture;compliance"),
    ]),
    "Manufacturing": ("forge", [
        ("vision inspection", "camera-based defect inspection on assembly lines",
         "quality;computer vision;factories"),
        ("robot picking", "vision-guided picking robots for small warehouses",
         "robotics;picking;automation"),
        ("energy metering", "machine-level energy metering for plants",
         "energy;iot;factories"),
    ]),
    "Agtech": ("field", [
        ("soil sensing", "soil moisture sensing and irrigation advice for vineyards",
         "irrigation;sensors;vineyards"),
        ("crop disease", "early crop disease detection from drone images",
         "drones;crop health;computer vision"),
    ]),
    "Edtech": ("learn", [
        ("adaptive maths", "adaptive maths practice for secondary schools",
         "schools;maths;adaptive learning"),
        ("skills", "workforce reskilling paths for manufacturing employees",
         "reskilling;corporate training;skills"),
    ]),
    "Insurtech": ("cover", [
        ("claims automation", "photo-based motor claims assessment for insurers",
         "claims;insurance;computer vision"),
        ("parametric cover", "parametric crop insurance paid out from weather data",
         "insurance;weather;agriculture"),
    ]),
    "Retail": ("shop", [
        ("demand forecasting", "demand forecasting for fresh food retailers",
         "forecasting;retail;food waste"),
        ("checkout", "camera-based checkout-free stores",
         "retail;computer vision;checkout"),
    ]),
    "HR Tech": ("team", [
        ("hiring", "skills-based screening for high-volume hiring",
         "recruiting;assessment;hr"),
        ("scheduling", "shift scheduling for hospitals and care homes",
         "workforce;scheduling;healthcare"),
    ]),
    "Proptech": ("home", [
        ("building energy", "smart heating control for office buildings",
         "buildings;energy efficiency;hvac"),
        ("tenant experience", "maintenance requests and tenant communication for landlords",
         "property management;tenants;maintenance"),
    ]),
}
_COUNTRIES = [
    ("Germany", "Berlin"), ("Germany", "Munich"), ("France", "Paris"), ("United Kingdom", "London"),
    ("Netherlands", "Amsterdam"), ("Sweden", "Stockholm"), ("Spain", "Barcelona"),
    ("Italy", "Milan"), ("Switzerland", "Zurich"), ("Poland", "Warsaw"), ("Finland", "Helsinki"),
    ("United States", "Boston"), ("Israel", "Tel Aviv"), ("Estonia", "Tallinn"),
]
_NAME_PARTS = ["nova", "lumen", "atlas", "vector", "orbit", "prism", "tidal", "ember", "cobalt",
               "quanta", "arbor", "helix", "kite", "mosaic", "north", "pulse", "sable", "zephyr"]

IMPORT_COLUMNS = ["id", "name", "domain", "description", "industry", "country", "city",
                  "keywords", "employees", "founded_year"]


@dataclass(frozen=True)
class SampleStartup:
    id: str
    name: str
    domain: str
    description: str
    industry: str
    country: str
    city: str
    keywords: str
    employees: int
    founded_year: int


def sample_startups(count: int = 200, *, seed: int = 7) -> list[SampleStartup]:
    """``count`` startups spread over every industry and country of the catalogue."""
    rng = random.Random(seed)
    industries = sorted(_CATALOGUE)
    out = []
    for i in range(count):
        industry = industries[i % len(industries)]
        word, products = _CATALOGUE[industry]
        _product, does, keywords = products[(i // len(industries)) % len(products)]
        name = f"{rng.choice(_NAME_PARTS).title()}{word.title()}"
        country, city = _COUNTRIES[rng.randrange(len(_COUNTRIES))]
        out.append(
            SampleStartup(
                id=f"demo-{i:04d}",
                name=f"{name} {i:03d}",
                domain=f"{name.lower()}-{i:03d}.test",
                description=f"{name} builds {does}.",
                industry=industry,
                country=country,
                city=city,
                keywords=keywords,
                employees=rng.choice([4, 8, 12, 25, 40, 70, 120, 250]),
                founded_year=rng.randint(2012, 2024),
            )
        )
    return out


def import_csv(startups: list[SampleStartup]) -> bytes:
    """The startups as a CSV file in the import format."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=IMPORT_COLUMNS)
    writer.writeheader()
    for s in startups:
        writer.writerow({c: getattr(s, c) for c in IMPORT_COLUMNS})
    return buffer.getvalue().encode()


def _html(title: str, heading: str, paragraphs: list[str], links: list[str]) -> Page:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    nav = "".join(f'<a href="{href}">{href.strip("/").title() or "Home"}</a> ' for href in links)
    return Page(
        f"<!doctype html><html><head><title>{title}</title>"
        f'<meta name="description" content="{paragraphs[0]}"></head>'
        f"<body><nav>{nav}</nav><h1>{heading}</h1>{body}</body></html>"
    )


def _pages(s: SampleStartup) -> dict[str, Page]:
    links = ["/", "/product", "/pricing", "/team", "/customers"]
    about = s.description
    return {
        "/": _html(s.name, s.name, [about, f"Trusted by teams in {s.country} and beyond.",
                                    f"Focus areas: {s.keywords.replace(';', ', ')}."], links),
        "/product": _html(f"{s.name} product", "Product", [
            f"The {s.name} platform delivers {about[len(s.name) + 8:].rstrip('.')}.",
            "It integrates with the systems you already run and goes live in weeks."], links),
        "/pricing": _html(f"{s.name} pricing", "Pricing", [
            "Plans start with a free pilot; pricing scales with usage."], links),
        "/team": _html(f"{s.name} team", "Team", [
            f"Founded in {s.founded_year} in {s.city}, {s.employees} people today."], links),
        "/customers": _html(f"{s.name} customers", "Customers", [
            f"Customers in {s.industry.lower()} use {s.name} in production."], links),
        "/robots.txt": Page("User-agent: *\nAllow: /\n", content_type="text/plain"),
    }


def sample_sites(
    startups: list[SampleStartup], *, seed: int = 7, broken_share: float = 0.1
) -> list[Site]:
    """One site per startup; ``broken_share`` of them broken in one of the test web's ways."""
    rng = random.Random(seed)
    broken = [s for s in default_sites() if s.domain != "healthy.test" and not s.cname]
    sites = []
    for s in startups:
        site = Site(s.domain, pages=_pages(s))
        if rng.random() < broken_share:
            site = replace(rng.choice(broken), domain=s.domain)
        sites.append(site)
    return sites


SAMPLE_CHALLENGES = [
    ("Our regional bank loses money to card-not-present fraud and needs to score card "
     "transactions in real time before they are approved.", "Fintech"),
    ("We run hundreds of delivery vans in cities and want to cut fuel and late deliveries "
     "with better daily route planning.", None),
    ("Our factories waste energy and we must report scope 3 emissions to investors next year.",
     None),
]
