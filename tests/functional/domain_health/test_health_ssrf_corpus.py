"""Known SSRF bypass forms through ``thera health-check``: all flagged, none connected.

Most forms point at the canary listener's port, so a form that slipped through would show up
as a canary connection (or a test web request), not just as a missing flag. The scrape suite
reads ``CORPUS`` and ``EXTRA`` from this module, so both commands face the same forms.
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from thera_sdk.cli import main
from thera_sdk.testweb import TestWeb

# Each section is one line per form; most point at the canary's port {c}.
IPV4_SPELLINGS = r"""
http://127.0.0.1:{c}/
http://127.1:{c}/
http://127.0.1:{c}/
http://0:{c}/
http://0.0.0.0:{c}/
http://2130706433:{c}/
http://017700000001:{c}/
http://0x7f000001:{c}/
http://0X7F000001:{c}/
http://0x7f.0x0.0x0.0x1:{c}/
http://0X7F.0X0.0X0.0X1:{c}/
http://0x7f.1:{c}/
http://0x7f.0.1:{c}/
http://0x7f.0.0.1:{c}/
http://127.0x0.1:{c}/
http://0177.1:{c}/
http://0177.0.0.1:{c}/
http://0177.0000.0000.0001:{c}/
http://00000000177.0.0.1:{c}/
http://0x0000007f.1:{c}/
http://0177.0.0.0x1:{c}/
http://0o177.0.0.1:{c}/
http://127.000.000.001:{c}/
http://127.0.0.1.:{c}/
http://127.0.257:{c}/
http://127.16777215/
http://127.255.255.254/
http://00000:{c}/
http://0x0:{c}/
http://0x:{c}/
http://0.0:{c}/
http://000.000.000.000:{c}/
http://0x0.0x0.0x0.0x0:{c}/
http://0.1.2.3/
http://127.0.0.256/
http://256.0.0.1/
http://0x100000000/
http://4294967296/
http://6425673729:{c}/
http://0x17f000001:{c}/
http://425.510.425.510/
http://127.0.0.1.1:{c}/
http://127..0.0.1:{c}/
http://127.0.0.1..:{c}/
http://.127.0.0.1:{c}/
http://08.0.0.1/
"""

IPV6_FORMS = r"""
http://[::1]:{c}/
http://[0:0:0:0:0:0:0:1]:{c}/
http://[0000:0000:0000:0000:0000:0000:0000:0001]:{c}/
http://[::0001]:{c}/
http://[::]:{c}/
http://[0:0::]:{c}/
http://[::ffff:127.0.0.1]:{c}/
http://[::ffff:7f00:1]:{c}/
http://[::FFFF:7F00:1]:{c}/
http://[0:0:0:0:0:ffff:127.0.0.1]:{c}/
http://[::ffff:0:7f00:1]:{c}/
http://[::127.0.0.1]:{c}/
http://[::7f00:1]:{c}/
http://[0:0:0:0:0:0:127.0.0.1]:{c}/
http://[64:ff9b::127.0.0.1]:{c}/
http://[64:ff9b::7f00:1]:{c}/
http://[64:ff9b:1::7f00:1]:{c}/
http://[2002:7f00:1::]:{c}/
http://[::ffff:10.0.0.1]/
http://[64:ff9b::10.0.0.1]/
http://[2002:c0a8:101::1]/
http://[fe80::1%25lo]:{c}/
http://[fe80::1%eth0]/
http://[::1%25eth0]:{c}/
http://[::ffff:127.0.0.1%25lo]:{c}/
http://[fe80::5efe:7f00:1]/
http://[fe80::200:5efe:127.0.0.1]/
http://[fc00::1]/
http://[fd12:3456:789a::1]/
http://[fe80::1]/
http://[fec0::1]/
http://[ff02::1]/
http://[2001:db8::1]/
http://[3fff::1]/
http://[2001::1]/
http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/
http://[2001:2::1]/
http://[100::1]/
http://[::ffff:127.1]:{c}/
http://[::ffff:0177.0.0.1]:{c}/
http://[127.0.0.1]:{c}/
http://[v1.127.0.0.1]:{c}/
http://[::1:{c}/
http://[::1]]:{c}/
http://[::1].sslip.io/
http://::1:{c}/
http://::ffff:127.0.0.1/
http://0:0:0:0:0:0:0:1/
::1
"""

URL_SYNTAX = r"""
http://user@127.0.0.1:{c}/
http://user:pass@127.0.0.1:{c}/
http://:@127.0.0.1:{c}/
http://@127.0.0.1:{c}/
http://user:pass@[::1]:{c}/
http://example.com@127.0.0.1:{c}/
http://example.com:80@127.0.0.1:{c}/
http://a@b@127.0.0.1:{c}/
http://127.0.0.1:{c}@127.0.0.1:{c}/
http://127.0.0.1:{c}\@example.com/
http://127.0.0.1:{c}\@@example.com/
http://127.0.0.1:{c}:\@@example.com/
http://127.0.0.1:{c}#\@example.com/
http://example.com\@127.0.0.1:{c}/
http://example.com#@127.0.0.1:{c}/
http://example.com?@127.0.0.1:{c}/
http://127.0.0.1%2f@example.com/
http://127.0.0.1%5c@example.com/
http://localhost:80%23@example.com/
http://foo@127.0.0.1:{c} @example.com/
http://1.1.1.1 &@2.2.2.2# @127.0.0.1:{c}/
http://example.com:80+&@example.com:80#+@127.0.0.1:{c}/
http://example.com:80+&@127.0.0.1:{c}/#+@example.com:80/
http://#@127.0.0.1:{c}/
http://127.0.0.1:{c}#@example.com/
http://127.0.0.1:{c}?@example.com/
http://0x7f.1:{c}/admin?x=1#frag
http://example.com%40127.0.0.1:{c}/
http:\\127.0.0.1:{c}\
http:/127.0.0.1:{c}/
http:///127.0.0.1:{c}/
http:/\127.0.0.1:{c}/
http:127.0.0.1:{c}/
https:127.0.0.1/
HTTP://127.0.0.1:{c}/
//127.0.0.1:{c}/
\\127.0.0.1:{c}\
127.0.0.1:{c}
0x7f.1:{c}
2130706433:{c}
[::1]:{c}
user@127.0.0.1:{c}
http://127.0.0.1:80/
http://127.0.0.1:0{c}/
http://127.0.0.1:{c}:80/
http://127.0.0.1:80:{c}/
http://[::1]:80:{c}/
http://127.0.0.1:+{c}/
http://127.0.0.1:65536/
http://localhost:{c}:80/
http://localhost:+11211aaa/
http://127.0.0.1:{c};http://example.com/
http://%31%32%37%2E%30%2E%30%2E%31:{c}/
http://127%2e0%2e0%2e1:{c}/
http://%2531%2532%2537.0.0.1:{c}/
http://127.0.0.1%00.example.com:{c}/
http://127.0.0.1%2f.example.com:{c}/
http://127.0.0.1%23.example.com:{c}/
http://127.0.0.1%3a{c}/
http://127.0.0.1%09:{c}/
http://127.0.0.1%20:{c}/
http://127.0.0.1%0a:{c}/
http://127.0.0.1 :{c}/
http:// 127.0.0.1:{c}/
0://127.0.0.1:{c}/
"""

UNICODE_FORMS = r"""
http://①②⑦.⓪.⓪.①:{c}/
http://⑯⑨。②⑤④。⑯⑨｡②⑤④/
http://⑫⑦.⓪.⓪.①:{c}/
http://⑫⒎⓪.⓪.①:{c}/
http://¹²⁷.⁰.⁰.¹:{c}/
http://127。0。0。1:{c}/
http://127｡0｡0｡1:{c}/
http://127﹒0﹒0﹒1:{c}/
http://127.0.0.1%E3%80%82:{c}/
http://%EF%BC%91%EF%BC%92%EF%BC%97.0.0.1:{c}/
http://ⓛⓞⓒⓐⓛⓗⓞⓢⓣ:{c}/
http://ⓜⓔⓣⓐⓓⓐⓣⓐ.ⓖⓞⓞⓖⓛⓔ.ⓘⓝⓣⓔⓡⓝⓐⓛ/
http://127.0.0.1.ⓝⓘⓟ.ⓘⓞ:{c}/
http://localhost。:{c}/
"""

NAMES = r"""
localhost:{c}
http://localhost:{c}/
http://LOCALHOST:{c}/
http://localhost.:{c}/
http://lo%63alhost:{c}/
http://localhost%00:{c}/
http://sub.localhost:{c}/
http://a.b.localhost.:{c}/
http://localhost.localdomain:{c}/
http://localhost6.localdomain6:{c}/
http://ip6-localhost:{c}/
http://1.0.0.127.in-addr.arpa:{c}/
http://kubernetes.default.svc/
http://kubernetes.default.svc.cluster.local/
http://router.lan/
http://nas.home/
http://intranet.corp/
http://127.0.0.1.nip.io:{c}/
http://127.0.0.1.nip.io.:{c}/
http://0.0.0.0.nip.io:{c}/
http://magic-7f000001.nip.io:{c}/
http://app-10-0-0-1.nip.io/
http://10-0-0-1.sslip.io/
http://127-0-0-1.sslip.io:{c}/
http://--1.sslip.io:{c}/
http://fe80--1.sslip.io/
http://169.254.169.254.nip.io/latest/meta-data/
http://169.254.169.254.xip.io/
http://127.0.0.1.xip.name:{c}/
http://127.0.0.1.traefik.me:{c}/
http://7f000001.c0a80001.rbndr.us:{c}/
http://make-1.2.3.4-rebind-169.254-169.254-rr.1u.ms/
http://A.127.0.0.1.1time.169.254.169.254.1time.repeat.rebind.network/
http://s-1.2.3.4-127.0.0.1-123-fs-e.d.rebind.it:{c}/
http://localtest.me:{c}/
http://customer.app.localtest.me:{c}/
http://lvh.me:{c}/
http://vcap.me:{c}/
http://local.gd:{c}/
http://get.localhost.direct:{c}/
http://spoofed.burpcollaborator.net:{c}/
"""

CLOUD_METADATA = r"""
http://169.254.169.254/latest/meta-data/
http://169.254.169.254:80/
http://169.254.169.254%2f@example.com/
http://169.254.169.254/metadata/instance?api-version=2021-02-01
http://0xa9fea9fe/
http://0xA9FEA9FE/
http://2852039166/
http://0251.0376.0251.0376/
http://0251.254.169.254/
http://0xa9.0xfe.0xa9.0xfe/
http://169.254.43518/
http://[::ffff:169.254.169.254]/
http://[::ffff:a9fe:a9fe]/
http://[64:ff9b::a9fe:a9fe]/
http://[64:ff9b::169.254.169.254]/
http://[64:ff9b:1::a9fe:a9fe]/
http://[2002:a9fe:a9fe::]/
http://[fd00:ec2::254]/
http://[fd00:ec2::23]/
http://[fd20:ce::254]/
http://fd00:ec2::254/
http://169.254.170.2/v2/credentials
http://169.254.169.253/
http://169.254.169.123/
http://metadata.google.internal/computeMetadata/v1/
http://metadata.google.internal./computeMetadata/v1/
http://METADATA.GOOGLE.INTERNAL/computeMetadata/v1/
http://metadata.goog/computeMetadata/v1/
http://metadata/
http://instance-data/latest/
http://instance-data.ec2.internal/latest/
http://metadata.tencentyun.com/latest/meta-data/
http://100.100.100.200/latest/meta-data/
http://1684301000/latest/meta-data/
http://192.0.0.192/opc/v1/instance/
http://3221225664/opc/v1/instance/
http://168.63.129.16/machine?comp=goalstate
"""

PRIVATE_RANGES = r"""
http://10.0.0.1/
http://10.1/
http://012.0.0.1/
http://0xa.0.0.1/
http://167772161/
http://172.16.0.1/
http://172.31.255.255/
http://0xac100001/
http://2886729729/
http://192.168.0.1/
http://192.168.1/
http://192.168.257/
http://0300.0250.0.1/
http://3232235777/
http://0xc0a80001/
http://100.64.0.1/
http://100.127.255.254/
http://192.0.0.170/
http://192.0.0.171/
http://192.0.0.8/
http://192.88.99.1/
http://198.18.0.1/
http://198.19.255.255/
http://192.0.2.1/
http://198.51.100.1/
http://203.0.113.1/
http://224.0.0.1/
http://239.255.255.250/
http://240.0.0.1/
http://255.255.255.255/
http://4294967295/
"""

OTHER_SCHEMES = r"""
gopher://127.0.0.1:{c}/_
gopher://localhost:{c}/_GET%20/%20HTTP/1.0
dict://127.0.0.1:{c}/
dict://localhost:11211/stat
ldap://localhost:{c}/%0astats%0aquit
ftp://127.0.0.1/
ftp://localhost:{c}/
sftp://127.0.0.1:{c}/
tftp://127.0.0.1:{c}/x
telnet://127.0.0.1:{c}/
smb://127.0.0.1/share
redis://127.0.0.1:6379/
ws://127.0.0.1:{c}/
wss://localhost/
file:///etc/passwd
file:/etc/passwd
FILE:///etc/passwd
file://localhost/etc/passwd
file:///c:/windows/win.ini
file://\\127.0.0.1\c$\
jar:http://127.0.0.1:{c}!/
jar:file:///etc/passwd!/
netdoc:///etc/passwd
php://filter/resource=http://127.0.0.1/
http+unix://%2Fvar%2Frun%2Fdocker.sock/info
unix:/var/run/docker.sock:http://localhost/
view-source:http://127.0.0.1:{c}/
https://127.0.0.1/
https://[::1]/
https://localhost/
"""

# Names the test web resolves to non-public addresses, and its sites that redirect there.
TEST_WEB = r"""
private-name.test
loopback-name.test
metadata-name.test
mapped-name.test
mixed-name.test
http://loopback-name.test:{c}/
LOOPBACK-NAME.TEST:{c}
http://user@loopback-name.test.:{c}/
http://loopback-name%2Etest:{c}/
http://www.loopback-name.test:{c}/
https://metadata-name.test/latest/meta-data/
http://mapped-name.test:{c}/
http://redirect-private.test/
https://redirect-metadata.test/
redirect-private-name.test
"""

SECTIONS = (IPV4_SPELLINGS, IPV6_FORMS, URL_SYNTAX, UNICODE_FORMS, NAMES, CLOUD_METADATA,
            PRIVATE_RANGES, OTHER_SCHEMES, TEST_WEB)  # fmt: skip
CORPUS = "\n".join(section.strip() for section in SECTIONS)


def fullwidth(text: str) -> str:
    """``text`` in fullwidth forms (U+FF01-U+FF5E), which IDNA maps back to ASCII."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


# Forms whose characters look like ASCII or cannot be seen, spelled with escapes.
EXTRA = [
    "http://" + fullwidth("127.0.0.1") + ":{c}/",
    "http://" + fullwidth("0x7f.1") + ":{c}/",
    "http://" + fullwidth("localhost") + ":{c}/",
    "http://" + fullwidth("loopback") + "-name.test:{c}/",
    "http://127.0.0.1:" + fullwidth("80") + "/",  # not a port: the URL is refused
    "http://\U0001d7cf\U0001d7d0\U0001d7d5.\U0001d7ce.\U0001d7ce.\U0001d7cf:{c}/",  # bold digits
    "http://127\u20240\u20240\u20241:{c}/",  # one dot leader: a dot under NFKC only
    "http://\u2113ocalhost:{c}/",  # script small l
    "http://\u217cocalhost:{c}/",  # small roman numeral fifty
    "http://localho\u017ft:{c}/",  # long s
    "ht\ttp://127.0.0.1:{c}/",  # tabs and newlines are dropped anywhere in a URL
    "http://127.0.0.1\t:{c}/",
    "http://127.0.0.1\u200b:{c}/",  # zero-width space: IDNA mapping drops it
    "http://loc\u00adalhost:{c}/",  # soft hyphen: dropped too
    "http://127.0.0.1\u00a0:{c}/",  # no-break space: maps to a space
    "http://127.0.0.1\u200d:{c}/",  # zero-width joiner: kept, then fails IDNA
]


def test_the_corpus_has_no_repeated_form() -> None:
    lines = CORPUS.splitlines() + EXTRA
    assert len(set(lines)) == len(lines)
    assert all(line.strip() == line and line for line in lines)


def test_every_bypass_form_is_flagged_and_nothing_is_reached(
    tmp_path: Path, settings_file: Path, web: TestWeb
) -> None:
    lines = [line.replace("{c}", str(web.canary_port)) for line in CORPUS.splitlines() + EXTRA]
    path = tmp_path / "corpus.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    requests_before = len(web.requests)
    result = CliRunner().invoke(
        main,
        ["health-check", str(path), "--testweb", str(settings_file), "--json", "--timeout", "4"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["input"] for r in records] == [line.strip() for line in lines]
    missed = [r["input"] for r in records if "blocked_private_address" not in r["flags"]]
    assert missed == []
    assert all(r["score"] == 0 for r in records)
    assert web.canary_connections == 0
    # only the three redirecting sample sites were fetched, never a private target
    fetched = {r.host for r in web.requests[requests_before:]}
    assert fetched <= {"redirect-private.test", "redirect-metadata.test",
                       "redirect-private-name.test"}  # fmt: skip
