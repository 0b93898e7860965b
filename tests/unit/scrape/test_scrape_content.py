"""HTML to markdown, richness parts, and input lines to targets."""

from __future__ import annotations

import pytest

from thera_sdk.scrape import (
    BlockedAddressError,
    InvalidTargetError,
    html_to_content,
    parse_target,
    richness,
)

PAGE = """<!doctype html><html><head><title> Acme  Fraud </title>
<meta property="og:description" content="Card fraud scoring"><style>h1{color:red}</style>
<script>var tracking = "secret";</script></head>
<body><nav><a href="/pricing">Pricing</a> <a href="/about-us#team">About us</a>
<a href="https://twitter.com/acme">Twitter</a> <a href="mailto:hi@acme.io">Mail</a>
<a href="javascript:void(0)">x</a></nav>
<h1>Acme</h1><p>We score payments &amp; explain each decision.</p>
<h2>Customers</h2><ul><li>Bank A</li></ul><noscript>enable js</noscript></body></html>"""


def test_html_to_content_drops_invisible_parts_and_keeps_links() -> None:
    content = html_to_content(PAGE, "https://acme.io/home")
    assert content.title == "Acme Fraud"
    assert content.description == "Card fraud scoring"
    assert content.links == ("https://acme.io/pricing", "https://acme.io/about-us",
                             "https://twitter.com/acme")
    assert "tracking" not in content.markdown and "color" not in content.markdown
    assert "enable js" not in content.markdown
    assert "# Acme" in content.markdown and "## Customers" in content.markdown
    assert "payments & explain" in content.markdown


def test_base_href_and_bad_links() -> None:
    html = ('<base href="https://cdn.acme.io/x/"><a href="page">p</a>'
            '<a href="http://[::1">broken</a><a href="">empty</a>')
    assert html_to_content(html, "https://acme.io/").links == ("https://cdn.acme.io/x/page",)


def test_richness_parts() -> None:
    content = html_to_content(PAGE, "https://acme.io/")
    parts = richness(content.markdown, content.links, base_url="https://acme.io/")
    assert (parts.pricing, parts.team, parts.customers, parts.product) == (True, True, True, False)
    assert parts.headings == 2
    assert (parts.links, parts.internal_links) == (3, 2)
    assert parts.text_length > 40
    assert parts.score == round(parts.score) and 0 < parts.score <= 100


def test_richness_grows_with_content_and_stays_within_100() -> None:
    empty = richness("")
    small = richness("# A\n\nsome text")
    links = [f"https://a.io/page{n}" for n in range(40)]
    big = richness("\n".join(f"## Section {n}\n\n" + "word " * 300 for n in range(20))
                   + "\n[p](/product) [p](/pricing) [t](/team) [c](/customers)",
                   links, base_url="https://a.io/")
    assert empty.score == 0 < small.score < big.score == 100
    assert empty.as_dict()["score"] == 0


def test_topics_come_from_internal_links_not_from_other_sites() -> None:
    parts = richness("", ["https://other.io/pricing"], base_url="https://acme.io/")
    assert not parts.pricing and parts.internal_links == 0


@pytest.mark.parametrize(
    ("line", "domain", "url"),
    [
        ("acme.io", "acme.io", "https://acme.io/"),
        ("  WWW.Acme.io/about  ", "acme.io", "https://www.acme.io/about"),
        ("http://acme.io:8080/x?y=1#z", "acme.io", "http://acme.io:8080/x?y=1"),
        ("https://user:pw@acme.io/", "acme.io", "https://acme.io/"),
        ("http://0x7f.1/", "127.0.0.1", "http://127.0.0.1/"),
    ],
)
def test_parse_target(line: str, domain: str, url: str) -> None:
    target = parse_target(line)
    assert (target.domain, target.url) == (domain, url)


@pytest.mark.parametrize("line", ["", "   ", "a b.com", "http://exa mple.com/"])
def test_parse_target_rejects_non_targets(line: str) -> None:
    with pytest.raises(InvalidTargetError):
        parse_target(line)


def test_parse_target_flags_disguised_addresses() -> None:
    with pytest.raises(BlockedAddressError):
        parse_target("http://[::1")
