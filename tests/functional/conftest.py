"""Fixtures shared by every functional suite.

``moto_endpoint`` starts one moto server for the whole session, on 127.0.0.1 and a free port,
and yields its URL (``http://127.0.0.1:PORT``). AWS adapters under test reach it over real HTTP,
as they would reach AWS: build clients with ``endpoint_url=moto_endpoint`` (or set
``THERA_ENDPOINT_URL``). While the server runs, dummy credentials and ``us-east-1`` are set in
the environment so no real account can be touched. State is shared across tests: give each test
its own bucket, table or parameter names (the ``unique_name`` fixture helps), or reset everything
with ``moto_reset``.

Example::

    def test_put(moto_endpoint: str, unique_name: str) -> None:
        s3 = boto3.client("s3", endpoint_url=moto_endpoint)
        s3.create_bucket(Bucket=unique_name)
"""

from __future__ import annotations

import logging
import os
import urllib.request
import uuid
from collections.abc import Iterator

import pytest

AWS_TEST_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
}


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """The URL of a moto server on loopback, shared by the session."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request in test output
    saved = {name: os.environ.get(name) for name in AWS_TEST_ENV}
    os.environ.update(AWS_TEST_ENV)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@pytest.fixture
def moto_reset(moto_endpoint: str) -> Iterator[str]:
    """The moto endpoint, with every service's state wiped before the test."""
    request = urllib.request.Request(f"{moto_endpoint}/moto-api/reset", method="POST")
    with urllib.request.urlopen(request, timeout=10):
        pass
    yield moto_endpoint


@pytest.fixture
def unique_name() -> str:
    """A short name unique to this test, valid as a bucket, table or parameter name."""
    return f"t-{uuid.uuid4().hex[:12]}"
