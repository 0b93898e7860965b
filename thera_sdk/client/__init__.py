"""The Thera client: ``Client`` and ``AsyncClient``, their settings, results and transports.

Everything here is re-exported by :mod:`thera_sdk`; import it from there.
"""

from thera_sdk.client._async_client import AsyncClient
from thera_sdk.client._boto import AioBotoTransport, BotoTransport
from thera_sdk.client._client import Client
from thera_sdk.client._local import AsyncLocalTransport, LocalTransport
from thera_sdk.client._local_runner import LocalWorkflow
from thera_sdk.client._models import (
    Contact,
    Match,
    PrivateStartupRecord,
    Run,
    RunEvent,
    StartupRecord,
)
from thera_sdk.client._options import (
    DEFAULT_RETRY_POLICY,
    DEFAULT_TIMEOUTS,
    USE_CLIENT_DEFAULT,
    RetryPolicy,
    StackResources,
    Timeouts,
    UseClientDefault,
)
from thera_sdk.client._transports import (
    AsyncBaseTransport,
    BaseTransport,
    MockTransport,
    Request,
    Response,
)

__all__ = [
    "DEFAULT_RETRY_POLICY",
    "DEFAULT_TIMEOUTS",
    "USE_CLIENT_DEFAULT",
    "AioBotoTransport",
    "AsyncBaseTransport",
    "AsyncClient",
    "AsyncLocalTransport",
    "BaseTransport",
    "BotoTransport",
    "Client",
    "Contact",
    "LocalTransport",
    "LocalWorkflow",
    "Match",
    "MockTransport",
    "PrivateStartupRecord",
    "Request",
    "Response",
    "RetryPolicy",
    "Run",
    "RunEvent",
    "StackResources",
    "StartupRecord",
    "Timeouts",
    "UseClientDefault",
]
