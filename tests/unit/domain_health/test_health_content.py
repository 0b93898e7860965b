"""Page analysis: title, visible text, and the phrases of parked, default and placeholder pages."""

from __future__ import annotations

import pytest

from tasks.domain_health._content import analyse_content
from thera_sdk.testweb import healthy_page


def test_a_real_home_page_has_a_title_text_and_no_signals() -> None:
    body = healthy_page("Acme Robotics").body
    assert isinstance(body, str)
    report = analyse_content(body.encode(), "text/html; charset=utf-8")
    assert report.title == "Acme Robotics"
    assert report.text_chars > 300
    assert report.signals == {}
    assert report.bytes == len(body.encode())


@pytest.mark.parametrize(
    ("html", "kind"),
    [
        ("<h1>This domain is parked free, courtesy of GoDaddy</h1>", "parked"),
        ("<p>Buy this domain today!</p>", "for_sale"),
        ("<title>Welcome to nginx!</title>", "default_page"),
        ("<title>Apache2 Ubuntu Default Page: It works</title>", "default_page"),
        ("<h1>Index of /</h1><a href='a'>a</a>", "default_page"),
        ("<p>Lorem ipsum dolor sit amet</p>", "placeholder"),
        ("<h1>Coming Soon</h1>", "placeholder"),
    ],
)
def test_signals(html: str, kind: str) -> None:
    assert kind in analyse_content(html.encode(), "text/html").signals


def test_scripts_styles_and_comments_do_not_count_as_text_or_signals() -> None:
    html = (
        "<html><head><style>.x{}</style><script>var a='buy this domain';</script></head>"
        "<body><!-- lorem ipsum --><p>Hi</p></body></html>"
    )
    report = analyse_content(html.encode(), "text/html")
    assert report.signals == {}
    assert report.text_chars == 2


def test_charset_from_the_content_type_and_unknown_charsets() -> None:
    text = "<title>Caf\u00e9</title>"
    assert analyse_content(text.encode("latin-1"), "text/html; charset=iso-8859-1").title == (
        "Caf\u00e9"
    )
    assert analyse_content(text.encode(), "text/html; charset=no-such-thing").title == "Caf\u00e9"


def test_empty_and_plain_text_bodies() -> None:
    empty = analyse_content(b"", "text/html")
    assert (empty.bytes, empty.title, empty.text_chars) == (0, None, 0)
    plain = analyse_content(b"just words", "text/plain")
    assert plain.text_chars == len("just words")


def test_as_dict_is_json_ready() -> None:
    report = analyse_content(b"<title>T</title>", "text/html", truncated=True)
    assert report.as_dict()["truncated"] is True
    assert report.as_dict()["title"] == "T"
