"""The test web's authoritative DNS: a UDP server on loopback built on dnspython messages.

Every site answers for ``<domain>``, ``www.<domain>`` and ``mail.<domain>``; names it does not
know get NXDOMAIN. A site can ask for NXDOMAIN, SERVFAIL, silence (a client timeout), a CNAME
or explicit (e.g. private) addresses.
"""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdatatype
import dns.rrset

from ._sites import Site

__all__ = ["DnsServerProtocol", "Zone"]

TTL = 300
_SERVED = (dns.rdatatype.A, dns.rdatatype.AAAA, dns.rdatatype.MX, dns.rdatatype.CNAME)


class Zone:
    """Answers DNS queries for a list of sites.

    ``addresses`` gives the A/AAAA records of each domain (the web assigns them).
    """

    def __init__(self, sites: Sequence[Site], addresses: Mapping[str, tuple[str, ...]]) -> None:
        self._names: dict[str, Site] = {}
        for site in sites:
            for name in (site.domain, f"www.{site.domain}", f"mail.{site.domain}"):
                self._names[name.lower()] = site
        self._addresses = addresses
        self.queries = 0

    def _records(self, site: Site, rdtype: dns.rdatatype.RdataType) -> list[str]:
        if rdtype == dns.rdatatype.MX:
            return [mx if mx.endswith(".") else mx + "." for mx in site.mx_records]
        want = 4 if rdtype == dns.rdatatype.A else 6
        known = self._addresses.get(site.domain, ())
        return [a for a in known if ipaddress.ip_address(a).version == want]

    @staticmethod
    def _add(
        response: dns.message.Message, name: str, rdtype: dns.rdatatype.RdataType, values: list[str]
    ) -> None:
        if values:
            rrset = dns.rrset.from_text_list(name + ".", TTL, "IN", rdtype, values)
            response.answer.append(rrset)

    def answer(self, query: dns.message.Message) -> dns.message.Message | None:
        """The response to ``query``, or ``None`` to stay silent."""
        self.queries += 1
        response = dns.message.make_response(query)
        response.flags |= dns.flags.AA
        if len(query.question) != 1:
            response.set_rcode(dns.rcode.FORMERR)
            return response
        question = query.question[0]
        name = question.name.to_text(omit_final_dot=True).lower()
        rdtype = question.rdtype
        site = self._names.get(name)
        if site is None or site.dns == "nxdomain":
            response.set_rcode(dns.rcode.NXDOMAIN)
            return response
        if site.dns == "servfail":
            response.set_rcode(dns.rcode.SERVFAIL)
            return response
        if site.dns == "timeout":
            return None
        if rdtype not in _SERVED:
            return response
        if site.cname and not name.startswith("mail."):
            self._add(response, name, dns.rdatatype.CNAME, [site.cname + "."])
            target = self._names.get(site.cname.lower())
            if target is not None and rdtype != dns.rdatatype.CNAME:
                self._add(response, site.cname, rdtype, self._records(target, rdtype))
            return response
        if rdtype == dns.rdatatype.MX and name != site.domain:
            return response
        if rdtype != dns.rdatatype.CNAME:
            self._add(response, name, rdtype, self._records(site, rdtype))
        return response


class DnsServerProtocol(asyncio.DatagramProtocol):
    """UDP transport glue: parse, answer, send; malformed packets are dropped."""

    def __init__(self, zone: Zone, on_error: Callable[[BaseException], None] | None = None) -> None:
        self._zone = zone
        self._on_error = on_error
        self._transport: asyncio.DatagramTransport | None = None
        # The zone never changes while serving: a query's bytes after its 2-byte id determine
        # the answer's bytes after the id, so repeated questions skip parsing altogether.
        self._answers: dict[bytes, bytes | None] = {}

    def connection_made(self, transport: Any) -> None:
        self._transport = transport

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        key = data[2:]
        if key in self._answers:
            self._zone.queries += 1
            cached = self._answers[key]
            if cached is not None and self._transport is not None:
                self._transport.sendto(data[:2] + cached, addr)
            return
        try:
            query = dns.message.from_wire(data)
        except Exception:  # not DNS: a real server ignores it too
            return
        try:
            response = self._zone.answer(query)
        except Exception as exc:  # keep serving; report to whoever runs the web
            if self._on_error:
                self._on_error(exc)
            return
        wire = response.to_wire() if response is not None else None
        if len(self._answers) < 200_000:
            self._answers[key] = None if wire is None else wire[2:]
        if wire is not None and self._transport is not None:
            self._transport.sendto(wire, addr)
