"""Hypothesis strategies: company rows whose free text is laced with personal data.

Each generated row comes with the personal data planted in it (:class:`Planted`), so a test can
check that none of it survives. The forms are the ones ``thera_sdk.privacy`` documents:

- e-mail addresses plain, upper-case, bracketed (``[at]``, ``(at)``, ``{at}``, ``<at>``,
  ``[@]``, ``[.]``), spelled out (``jane dot doe at acme dot com``), HTML entities, ``%40``,
  full-width, spaced, with a zero-width space; contacts' own addresses also as ``x at acme.com``;
- phone numbers in international formats (``+CC``, ``00CC``, ``tel:``, ``(0)``, dots, dashes,
  en dashes, no-break spaces, full-width digits, extensions) and, for contacts, the national and
  7-digit local forms;
- contacts' names whole, upper-case, ``Last, First``, first or last name alone, possessive.

Filler words, names and placeholders hold no digits, so any digit left in a masked text is a leak.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from hypothesis import strategies as st

FILLER = (
    "we", "build", "fraud", "scoring", "for", "banks", "and", "insurers", "with", "real", "time",
    "data", "at", "scale", "the", "platform", "helps", "teams", "ship", "secure", "payments",
    "our", "api", "is", "fast", "contact", "write", "call", "ask", "reach", "us", "via", "on",
    "by", "founder", "sales", "support", "dot", "com",
)  # fmt: skip
TLDS = ("com", "io", "de", "ai", "org", "co.uk", "com.br", "fr", "tech")
COUNTRY_CODES = ("1", "44", "49", "33", "81", "91", "86", "61", "55", "7", "34", "971", "353")
_UPPER = "ABCDEFGHIJKLMNOPRSTUVWZÉÖÅ"
_LOWER = "abcdefghijklmnopqrstuvwxyzéèöüñçåø"
_FULLWIDTH = {ord(c): ord(c) + 0xFEE0 for c in "0123456789+"}  # digits and + in full width


@dataclass
class Planted:
    """The personal data planted in one row."""

    names: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    renderings: list[str] = field(default_factory=list)
    profiles: list[str] = field(default_factory=list)


name_parts = st.builds(
    lambda head, tail, apostrophe: ("O'" if apostrophe else "") + head + tail,
    st.sampled_from(_UPPER),
    st.text(_LOWER, min_size=2, max_size=8),
    st.integers(0, 9).map(lambda n: n == 0),  # now and then an O'Name
)
person_names = st.builds(
    lambda first, last, hyphen: f"{first} {last}-{hyphen}" if hyphen else f"{first} {last}",
    name_parts,
    name_parts,
    st.one_of(st.none(), name_parts),
)
locals_ = st.from_regex(r"[a-z]{2,8}[0-9]{1,3}([._+-][a-z]{2,6})?", fullmatch=True)
domains = st.builds(
    lambda label, tld: f"{label}.{tld}",
    st.from_regex(r"[a-z]{3,10}", fullmatch=True),
    st.sampled_from(TLDS),
)


def render_email(local: str, domain: str, style: int, *, known: bool) -> str:
    """One written form of ``local@domain``; bare ``at`` with a literal dot only when known."""
    spelled_local = local.replace(".", " dot ")
    spelled_domain = domain.replace(".", " dot ")
    forms = [
        f"{local}@{domain}",
        f"{local}@{domain}".upper(),
        f"{local} [at] {domain.replace('.', ' [dot] ')}",
        f"{local}(at){domain.replace('.', '(dot)')}",
        f"{spelled_local} at {spelled_domain}",
        f"{spelled_local} AT {spelled_domain}".replace(" dot ", " DOT "),
        f"{local}{{at}}{domain}",
        f"{local}<at>{domain.replace('.', '<dot>')}",
        f"{local} [@] {domain.replace('.', ' [.] ')}",
        f"{local}&#64;{domain}",
        f"mailto:{local}%40{domain}",
        f"{local}\uff20{domain.replace('.', chr(0xFF0E))}",
        f"{local} @ {domain.replace('.', ' . ')}",
        f"{local}\u200b@{domain}",
        f"{local}[at]{domain}",
    ]
    if known:
        forms.append(f"{local} at {domain}")
    return forms[style % len(forms)]


@st.composite
def phone_numbers(draw: st.DrawFn) -> tuple[str, str]:
    """``(canonical +CC digits, a written form)`` of an international phone number."""
    cc = draw(st.sampled_from(COUNTRY_CODES))
    national = draw(st.from_regex(r"[1-9][0-9]{6,9}", fullmatch=True))
    cut = draw(st.lists(st.integers(2, 4), min_size=1, max_size=4))
    groups, rest = [], national
    for size in cut:
        if len(rest) > size:
            groups.append(rest[:size])
            rest = rest[size:]
    groups.append(rest)
    spaced = " ".join(groups)
    forms = [
        f"+{cc} {spaced}",
        f"+{cc}-{'-'.join(groups)}",
        f"+{cc}.{'.'.join(groups)}",
        f"+{cc} ({groups[0]}) {' '.join(groups[1:]) or '0000'}",
        f"00{cc} {spaced}",
        f"+{cc} (0){spaced}",
        f"tel:+{cc}{national}",
        f"+{cc}{national}",
        f"+{cc} {spaced} ext. {draw(st.integers(1, 999))}",
        f"+{cc} {spaced} x{draw(st.integers(1, 99))}",
        f"+{cc}\u00a0{spaced.replace(' ', chr(0xA0))}",
        f"+{cc}\u2013{chr(0x2013).join(groups)}",
        f"+{cc} {spaced}".translate(_FULLWIDTH),
        f"(+{cc}) {spaced}",
    ]
    return f"+{cc}{national}", draw(st.sampled_from(forms))


@st.composite
def laced_rows(draw: st.DrawFn) -> tuple[dict, Planted]:
    """A company row with contacts, and free text (description, keywords, city) mentioning them
    and other addresses and numbers."""
    planted = Planted()
    pieces: list[str] = []
    name_pieces: set[str] = set()
    contacts = []
    for _ in range(draw(st.integers(1, 3))):
        name = draw(person_names)
        local, domain = draw(locals_), draw(domains)
        canonical, written = draw(phone_numbers())
        email = f"{local}@{domain}"
        contacts.append({"name": name, "email": email, "phone": written, "title": "CEO"})
        planted.names.append(name)
        planted.emails.append(email)
        planted.phones.append(canonical)
        first, last = name.split(" ", 1)
        name_forms = [name, name.upper(), f"{last}, {first}", first, last, f"{last}'s"]
        name_piece = draw(st.sampled_from(name_forms))
        name_pieces.add(name_piece)
        pieces.append(name_piece)
        pieces.append(render_email(local, domain, draw(st.integers(0, 99)), known=True))
        national = canonical[-10:]
        pieces.append(
            draw(st.sampled_from([written, f"{national[:3]} {national[3:6]} {national[6:]}",
                                  f"{canonical[-7:-4]}-{canonical[-4:]}"]))
        )  # fmt: skip
        if draw(st.booleans()):
            profile = f"https://www.linkedin.com/in/{local.replace('.', '-')}"
            contacts[-1]["linkedin_url"] = profile
            planted.profiles.append(profile)
            pieces.append(profile)
    for _ in range(draw(st.integers(0, 2))):  # strangers: no contact entry to help
        local, domain = draw(locals_), draw(domains)
        planted.emails.append(f"{local}@{domain}")
        pieces.append(render_email(local, domain, draw(st.integers(0, 99)), known=False))
        canonical, written = draw(phone_numbers())
        planted.phones.append(canonical)
        pieces.append(written)
    planted.renderings = [p for p in pieces if p not in name_pieces]
    words = draw(st.lists(st.sampled_from(FILLER), min_size=len(pieces), max_size=3 * len(pieces)))
    mixed = draw(st.permutations(words + pieces))
    separators = draw(st.lists(st.sampled_from([" ", ", ", ": ", " (", ") ", "; "]),
                               min_size=len(mixed), max_size=len(mixed)))  # fmt: skip
    description = "".join(w + s for w, s in zip(mixed, separators, strict=True))
    row = {
        "description": description,
        "keywords": [*draw(st.lists(st.sampled_from(FILLER), max_size=4)), pieces[0]],
        "city": draw(st.sampled_from([pieces[0], "berlin"])),
        "contacts": contacts,
        "emails": [planted.emails[0]],
    }
    return row, planted


def leaks(text: str, planted: Planted, *, free_text: bool = True) -> list[str]:
    """What of ``planted`` is still readable in ``text`` (empty when nothing is); any digit counts
    in ``free_text`` built from the generated pieces, and so does a bare local part (ids, hashes
    and timestamps hold digits and hex of their own).
    """
    found = []
    if free_text and any(char.isdecimal() for char in text):
        found.append("a digit (from an address or a number)")
    if "@" in text or "\uff20" in text:
        found.append("an @")
    flat = " ".join(text.lower().split())
    for email in planted.emails:
        local = email.split("@")[0]
        if email.lower() in flat or (free_text and local.lower() in flat):
            found.append(f"address {email}")
    for rendering in planted.renderings:
        if len(rendering) > 8 and rendering in text:
            found.append(f"as written: {rendering!r}")
    for name in planted.names:
        if " ".join(name.lower().split()) in flat:
            found.append(f"name {name}")
        for part in re.split(r"[\s-]+", name):
            if sum(c.isalpha() for c in part) < 2:
                continue
            for variant in {part, part.title(), part.upper()}:
                if re.search(rf"(?<!\w){re.escape(variant)}(?!\w)", text):
                    found.append(f"name part {variant}")
    if planted.profiles and "linkedin.com/in/" in flat:
        found.append("a profile link")
    return found
