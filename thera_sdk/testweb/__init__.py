"""A small internet on loopback: DNS, HTTP and HTTPS for sample sites, including broken ones.

Everything binds to 127.0.0.1 and stops cleanly. Sites are plain data (:class:`Site`,
:class:`Page`); :func:`default_sites` gives a healthy site and one site per failure the domain
health gate must recognise (NXDOMAIN, SERVFAIL, DNS timeout, expired / expiring / wrong-host /
untrusted certificates, 404, 500, slow responses, redirect loops, redirects off-site and into
private space, names resolving to private addresses, parked, default-server, placeholder and
empty pages, http-only and unreachable sites); :func:`generate_sites` makes many sample startups.

Sample sites resolve to documentation-range addresses. :meth:`TestWeb.settings` returns a
:class:`TestWebSettings` whose ``policy()`` carries a ``dial_map`` sending those addresses to the
loopback servers, so the SSRF rules stay on while the sites are reachable:

    from thera_sdk.net import safe_async_client
    from thera_sdk.testweb import TestWeb

    with TestWeb() as web:
        s = web.settings()
        client = safe_async_client(resolver=s.resolver(), policy=s.policy(),
                                   ssl_context=s.ssl_context())
        # await client.get("https://healthy.test/")  -> 200, certificate from the test CA
        # await client.get("http://redirect-private.test/", follow_redirects=True)
        #   -> BlockedAddressError; web.canary_connections stays 0

From a shell: ``python -m thera_sdk.testweb --settings web.json`` serves until Ctrl-C, and
``thera health-check FILE --testweb web.json`` checks against it.
"""

from ._http import RequestRecord
from ._settings import TestWebSettings
from ._sites import CANARY_HOST, Page, Site, default_sites, generate_sites, healthy_page, redirect
from ._web import TestWeb

__all__ = [
    "CANARY_HOST",
    "Page",
    "RequestRecord",
    "Site",
    "TestWeb",
    "TestWebSettings",
    "default_sites",
    "generate_sites",
    "healthy_page",
    "redirect",
]
