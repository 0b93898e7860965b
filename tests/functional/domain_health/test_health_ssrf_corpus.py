"""Known SSRF bypass forms through ``thera health-check``: all flagged, none connected.

Most forms point at the canary listener's port, so a form that slipped through would show up
as a canary connection (or a test web request), not just as a missing flag.
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from thera_sdk.cli import main
from thera_sdk.testweb import TestWeb

CORPUS = r"""
http://127.0.0.1:{c}/
http://127.1:{c}/
http://127.0.1:{c}/
http://0:{c}/
http://0.0.0.0:{c}/
http://2130706433:{c}/
http://017700000001:{c}/
http://0x7f000001:{c}/
http://0x7f.0x0.0x0.0x1:{c}/
http://0x7f.1:{c}/
http://0x7f.0.1:{c}/
http://127.0x0.1:{c}/
http://0177.1:{c}/
http://0177.0.0.1:{c}/
http://0177.0000.0000.0001:{c}/
http://127.000.000.001:{c}/
http://127.0.0.1.:{c}/
http://%31%32%37%2E%30%2E%30%2E%31:{c}/
http://[::1]:{c}/
http://[0:0:0:0:0:0:0:1]:{c}/
http://[::ffff:127.0.0.1]:{c}/
http://[::ffff:7f00:1]:{c}/
http://[0:0:0:0:0:ffff:127.0.0.1]:{c}/
http://[::127.0.0.1]:{c}/
http://[64:ff9b::127.0.0.1]:{c}/
http://[64:ff9b::7f00:1]:{c}/
http://[2002:7f00:1::]:{c}/
http://[fe80::1%25lo]:{c}/
http://[::]:{c}/
http://user@127.0.0.1:{c}/
http://user:pass@127.0.0.1:{c}/
http://example.com@127.0.0.1:{c}/
http://a@b@127.0.0.1:{c}/
http://127.0.0.1:{c}\@example.com/
http:\\127.0.0.1:{c}\
http:/127.0.0.1:{c}/
HTTP://127.0.0.1:{c}/
http://①②⑦.⓪.⓪.①:{c}/
http://127。0。0。1:{c}/
127.0.0.1:{c}
localhost:{c}
http://localhost:{c}/
http://LOCALHOST:{c}/
http://localhost.:{c}/
http://sub.localhost:{c}/
http://0x7f.1:{c}/admin?x=1#frag
http://127.0.0.1%00.example.com:{c}/
http://127.0.0.1%2f.example.com:{c}/
gopher://127.0.0.1:{c}/_
dict://127.0.0.1:{c}/
ftp://127.0.0.1/
file:///etc/passwd
https://127.0.0.1/
https://[::1]/
https://localhost/
http://169.254.169.254/latest/meta-data/
http://169.254.169.254:80/
http://0xa9fea9fe/
http://2852039166/
http://0251.0376.0251.0376/
http://0xa9.0xfe.0xa9.0xfe/
http://169.254.43518/
http://[::ffff:169.254.169.254]/
http://[::ffff:a9fe:a9fe]/
http://[64:ff9b::a9fe:a9fe]/
http://[64:ff9b::169.254.169.254]/
http://[2002:a9fe:a9fe::]/
http://[fd00:ec2::254]/
http://metadata.google.internal/computeMetadata/v1/
http://metadata/
http://instance-data/latest/
http://100.100.100.200/latest/meta-data/
http://192.0.0.192/opc/v1/instance/
http://10.0.0.1/
http://10.1/
http://012.0.0.1/
http://0xa.0.0.1/
http://167772161/
http://172.16.0.1/
http://172.31.255.255/
http://192.168.0.1/
http://192.168.1/
http://3232235777/
http://0xc0a80001/
http://100.64.0.1/
http://198.18.0.1/
http://192.0.2.1/
http://198.51.100.1/
http://203.0.113.1/
http://224.0.0.1/
http://239.255.255.250/
http://240.0.0.1/
http://255.255.255.255/
http://[fc00::1]/
http://[fd12:3456:789a::1]/
http://[fe80::1]/
http://[fec0::1]/
http://[ff02::1]/
http://[2001:db8::1]/
http://[2001::1]/
http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/
http://[100::1]/
http://[64:ff9b:1::a9fe:a9fe]/
http://127.0.0.1.nip.io:{c}/
http://10-0-0-1.sslip.io/
http://169.254.169.254.nip.io/latest/meta-data/
http://7f000001.c0a80001.rbndr.us:{c}/
http://localtest.me:{c}/
http://customer.app.localtest.me:{c}/
http://lvh.me:{c}/
private-name.test
loopback-name.test
metadata-name.test
mapped-name.test
mixed-name.test
http://redirect-private.test/
https://redirect-metadata.test/
redirect-http://127.0.0.1.nip.io:{c}/
http://10-0-0-1.sslip.io/
http://169.254.169.254.nip.io/latest/meta-data/
http://7f000001.c0a80001.rbndr.us:{c}/
http://localtest.me:{c}/
http://customer.app.localtest.me:{c}/
http://lvh.me:{c}/
private-name.test
"""
FULLWIDTH = str.maketrans("0123456789.", "".join(chr(0xFF10 + i) for i in range(10)) + "\uff0e")
EXTRA = ["http://" + "127.0.0.1".translate(FULLWIDTH) + ":{c}/"]


def test_every_bypass_form_is_flagged_and_nothing_is_reached(
    tmp_path: Path, settings_file: Path, web: TestWeb
) -> None:
    lines = [
        line.replace("{c}", str(web.canary_port)) for line in CORPUS.strip().splitlines() + EXTRA
    ]
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
