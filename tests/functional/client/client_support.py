"""What the client suites share: two backends, the data they hold, and a test transport.

The fixtures that build the backends are in ``conftest.py``. A local data home and a stack on
the moto server hold the same things: the workflows of ``client_workflows`` (``double``,
``fails``, ``slow``), three published startups (public and private records) and a matcher.
Locally the matcher is the real one over an index written by the embeddings package; moto runs
no code in a Lambda function, so its matcher answers with queued results
(``Backend.expect_match``).

The moto stack is built directly with boto3 (state machines, tables, the matcher function) plus
a small CloudFormation stack whose outputs name them, as ``thera deploy``'s stack does. moto
runs state machines only with ``execute_state_machine``; the ``aws_backend`` fixture turns that
on (and Docker-less Lambda) for the module and back off afterwards.
"""

from __future__ import annotations

import io
import json
import time
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import boto3
from client_workflows import ASL

from thera_sdk import (
    AsyncBaseTransport,
    AsyncClient,
    BaseTransport,
    Client,
    Request,
    Response,
    RetryPolicy,
    Settings,
)
from thera_sdk.storage import LocalObjectStore, LocalTableStore, TableSpec

REGION = "us-east-1"
FAST_RETRIES = RetryPolicy(max_attempts=3, base_delay=0.0)
EXPIRES = int(time.time()) + 30 * 86400
HASH = "0" * 64

STARTUPS: list[dict[str, Any]] = [
    {
        "startup_id": "s-fraud", "name": "Acme Risk", "domain": "acmerisk.example",
        "website": "https://acmerisk.example",
        "description": "Acme Risk provides real-time transaction fraud scoring for card "
        "issuers and online merchants. Models flag card-not-present fraud in milliseconds.",
        "industry": "Fintech", "country": "Germany", "city": "Berlin",
        "keywords": ["fraud detection", "payments"], "employees": 40, "founded_year": 2019,
        "health_score": 92.5, "richness": 0.8, "updated_at": "2025-01-31T00:00:00.000000Z",
    },
    {
        "startup_id": "s-ledger", "name": "Ledgerly", "domain": "ledgerly.example",
        "description": "Ledgerly automates bookkeeping and invoice matching for small firms.",
        "industry": "Fintech", "country": "France", "city": "Paris",
        "keywords": ["accounting", "invoices"], "employees": 12, "founded_year": 2021,
        "health_score": 55.0, "richness": 0.3, "updated_at": "2024-11-02T00:00:00.000000Z",
    },
    {
        "startup_id": "s-clinic", "name": "CareSlot", "domain": "careslot.example",
        "description": "CareSlot schedules clinic appointments and fills cancelled slots.",
        "industry": "Health", "country": "Germany", "city": "Munich",
        "keywords": ["scheduling", "clinics"], "employees": 8, "founded_year": 2022,
        "health_score": 70.0, "richness": 0.5, "updated_at": "2025-02-03T00:00:00.000000Z",
    },
]  # fmt: skip
CONTACTS = {
    "s-fraud": [{"name": "Ana Silva", "title": "CEO", "email": "ana@acmerisk.example"}],
}
CHALLENGE = (
    "Our regional bank loses money to card-not-present fraud at online checkout; we need "
    "real-time scoring of every card transaction."
)
# What moto's matcher answers (the local one computes it).
MATCH_ANSWER = {
    "results": [
        {"startup_id": "s-fraud", "name": "Acme Risk", "score": 0.91, "similarity": 0.62,
         "reasons": ["describes real-time transaction fraud scoring", "industry Fintech matches"]},
        {"startup_id": "s-ledger", "name": "Ledgerly", "score": 0.2, "similarity": 0.1,
         "reasons": ["industry Fintech matches"]},
    ],
    "index_version": "20250131T020000Z", "model_version": "default", "candidates": 2,
}  # fmt: skip


def public_items() -> list[dict[str, Any]]:
    """The startups as the publisher writes them to ``startups-public``."""
    return [
        {**row, "published_at": "2025-02-04T00:00:00.000000Z", "expires_at": EXPIRES,
         "record_hash": HASH}
        for row in STARTUPS
    ]  # fmt: skip


def private_items() -> list[dict[str, Any]]:
    """...and to ``startups-private``, with the people and one source column."""
    return [
        {**item, "contacts": CONTACTS.get(item["startup_id"], []), "source": "apollo"}
        for item in public_items()
    ]


def _decimals(value: Any) -> Any:
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, list):
        return [_decimals(v) for v in value]
    if isinstance(value, dict):
        return {k: _decimals(v) for k, v in value.items()}
    return value


class Intercept(BaseTransport, AsyncBaseTransport):
    """A test transport: answers the operations in ``answers`` itself (``None`` passes the
    call on), sends every other call through the real transport, and records all requests."""

    def __init__(
        self,
        inner: Any,
        answers: dict[str, Callable[[Request], Response | None]] | None = None,
    ) -> None:
        self.inner = inner
        self.answers = answers or {}
        self.seen: list[Request] = []

    def _answer(self, request: Request) -> Response | None:
        self.seen.append(request)
        answer = self.answers.get(request.operation)
        return answer(request) if answer is not None else None

    def handle_request(self, request: Request) -> Response:
        answer = self._answer(request)
        return answer if answer is not None else self.inner.handle_request(request)

    async def handle_async_request(self, request: Request) -> Response:
        answer = self._answer(request)
        if answer is not None:
            return answer
        return await self.inner.handle_async_request(request)

    def close(self) -> None:
        self.inner.close()

    async def aclose(self) -> None:
        await self.inner.aclose()


@dataclass
class Backend:
    """One backend under test: how to make its clients and what its stack holds."""

    name: str
    stack: str
    sync_transport: Callable[[], Any]
    async_transport: Callable[[], Any]
    expect_match: Callable[[], None]
    make_client: Callable[[], Client]
    make_async_client: Callable[[], AsyncClient]

    def client(
        self, *, wrap: Callable[[Any], Any] | None = None, retries: RetryPolicy = FAST_RETRIES
    ) -> Client:
        """The backend's client (through ``Client.local``/``Client.aws`` unless ``wrap``
        wraps its transport, e.g. in an :class:`Intercept`)."""
        if wrap is None:
            return self.make_client()
        return Client(
            wrap(self.sync_transport()), stack=self.stack, region=REGION, retries=retries,
            poll_interval=0.02,
        )  # fmt: skip

    def async_client(
        self, *, wrap: Callable[[Any], Any] | None = None, retries: RetryPolicy = FAST_RETRIES
    ) -> AsyncClient:
        """The asyncio twin of :meth:`client`."""
        if wrap is None:
            return self.make_async_client()
        return AsyncClient(
            wrap(self.async_transport()), stack=self.stack, region=REGION, retries=retries,
            poll_interval=0.02,
        )  # fmt: skip


# -- local ------------------------------------------------------------------------------------
def seed_local(home: Path) -> None:
    """Write the records and a matcher index into a data home."""
    from thera_sdk.embed import LocalConfig, LocalEmbedder, build_document, write_index

    settings = Settings(home=home)
    tables = LocalTableStore(home / "tables.sqlite3")
    for logical, items in (("startups-public", public_items()),
                           ("startups-private", private_items())):  # fmt: skip
        name = settings.table_name(logical)
        tables.create_table(TableSpec(name, "startup_id", ttl_attribute="expires_at"))
        tables.batch_write(name, put=items)
    tables.close()
    objects = LocalObjectStore(home / "objects")
    gold = settings.bucket_name("gold")
    objects.create_bucket(gold)
    texts = [build_document(row).text for row in STARTUPS]
    embedder = LocalEmbedder.fit(texts, LocalConfig(dim=64))
    write_index(objects, gold, embedder.embed(texts).vectors, list(STARTUPS), embedder)


# -- moto -------------------------------------------------------------------------------------
def moto_post(endpoint: str, path: str, body: dict[str, Any]) -> None:
    """POST to moto's own API (``/moto-api/...``)."""
    request = urllib.request.Request(
        f"{endpoint}{path}", data=json.dumps(body).encode(), method="POST"
    )
    with urllib.request.urlopen(request, timeout=10):
        pass


def _function_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def handler(event, context):\n    return event\n")
    return buffer.getvalue()


def build_moto_stack(endpoint: str, stack: str) -> dict[str, str]:
    """Create the test stack's resources and its CloudFormation outputs; return the outputs."""
    clients = {
        name: boto3.client(name, endpoint_url=endpoint, region_name=REGION)
        for name in ("iam", "stepfunctions", "dynamodb", "lambda", "cloudformation")
    }
    role = clients["iam"].create_role(
        RoleName=f"{stack}-role", AssumeRolePolicyDocument=json.dumps({"Statement": []})
    )["Role"]["Arn"]
    outputs: dict[str, str] = {}
    for name, asl in ASL.items():
        arn = clients["stepfunctions"].create_state_machine(
            name=f"{stack}-{name}", definition=json.dumps(asl), roleArn=role
        )["stateMachineArn"]
        outputs[f"{name.title()}StateMachineArn"] = arn
    table = boto3.resource("dynamodb", endpoint_url=endpoint, region_name=REGION)
    for logical, items, key in (
        ("startups-public", public_items(), "StartupsPublicTableName"),
        ("startups-private", private_items(), "StartupsPrivateTableName"),
    ):
        name = f"{stack}-{logical}"
        clients["dynamodb"].create_table(
            TableName=name,
            KeySchema=[{"AttributeName": "startup_id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "startup_id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        with table.Table(name).batch_writer() as batch:
            for item in items:
                batch.put_item(Item=_decimals(item))
        outputs[key] = name
    outputs["MatcherFunctionArn"] = clients["lambda"].create_function(
        FunctionName=f"{stack}-matcher", Runtime="python3.12", Role=role,
        Handler="handler.handler", Code={"ZipFile": _function_zip()},
    )["FunctionArn"]  # fmt: skip
    template = {
        "Resources": {"Marker": {"Type": "AWS::SQS::Queue"}},
        "Outputs": {key: {"Value": value} for key, value in outputs.items()},
    }
    clients["cloudformation"].create_stack(StackName=stack, TemplateBody=json.dumps(template))
    return outputs
