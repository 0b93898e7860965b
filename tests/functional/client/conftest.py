"""Fixtures of the client suites: ``local_backend``, ``aws_backend`` and ``backend`` (each in
turn). See ``client_support`` for what the backends hold.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator

import pytest
from client_support import (
    FAST_RETRIES,
    MATCH_ANSWER,
    REGION,
    Backend,
    build_moto_stack,
    moto_post,
    seed_local,
)
from client_workflows import local_workflows

from thera_sdk import AsyncClient, Client
from thera_sdk.client._boto import AioBotoTransport, BotoTransport
from thera_sdk.client._local import AsyncLocalTransport, LocalTransport


@pytest.fixture(scope="module")
def local_backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    """A data home with records and a matcher index, and clients of it."""
    home = tmp_path_factory.mktemp("client-home")
    with pytest.MonkeyPatch.context() as env:
        for name in [n for n in os.environ if n.startswith("THERA_")]:
            env.delenv(name)
        env.setenv("THERA_HOME", str(home))
        seed_local(home)
        yield Backend(
            name="local",
            stack="thera",
            sync_transport=lambda: LocalTransport(home, workflows=local_workflows()),
            async_transport=lambda: AsyncLocalTransport(
                LocalTransport(home, workflows=local_workflows())
            ),
            expect_match=lambda: None,
            make_client=lambda: Client.local(
                home, workflows=local_workflows(), retries=FAST_RETRIES, poll_interval=0.02
            ),
            make_async_client=lambda: AsyncClient.local(
                home, workflows=local_workflows(), retries=FAST_RETRIES, poll_interval=0.02
            ),
        )


@pytest.fixture(scope="module")
def aws_backend(moto_endpoint: str) -> Iterator[Backend]:
    """A stack on the moto server, and clients of it."""
    moto_post(
        moto_endpoint,
        "/moto-api/config",
        {"stepfunctions": {"execute_state_machine": True}, "lambda": {"use_docker": False}},
    )
    stack = f"thera-c{uuid.uuid4().hex[:8]}"
    try:
        build_moto_stack(moto_endpoint, stack)

        def expect_match() -> None:
            moto_post(
                moto_endpoint,
                "/moto-api/static/lambda-simple/response",
                {"results": [json.dumps(MATCH_ANSWER)], "region": REGION},
            )

        yield Backend(
            name="aws",
            stack=stack,
            sync_transport=lambda: BotoTransport(region=REGION, endpoint_url=moto_endpoint),
            async_transport=lambda: AioBotoTransport(region=REGION, endpoint_url=moto_endpoint),
            expect_match=expect_match,
            make_client=lambda: Client.aws(
                stack, REGION, endpoint_url=moto_endpoint, retries=FAST_RETRIES,
                poll_interval=0.02,
            ),
            make_async_client=lambda: AsyncClient.aws(
                stack, REGION, endpoint_url=moto_endpoint, retries=FAST_RETRIES,
                poll_interval=0.02,
            ),
        )  # fmt: skip
    finally:
        moto_post(
            moto_endpoint,
            "/moto-api/config",
            {"stepfunctions": {"execute_state_machine": False}, "lambda": {"use_docker": True}},
        )


@pytest.fixture(params=["local", "aws"])
def backend(request: pytest.FixtureRequest) -> Backend:
    """Each backend in turn."""
    return request.getfixturevalue(f"{request.param}_backend")  # type: ignore[no-any-return]
