"""``thera deploy``: the steps of ``scripts/deploy.sh``, through boto3.

1. check that AWS credentials are there;
2. build: install the functions' dependencies for Lambda, compile the workflows, render the
   stack, package the zip;
3. deploy the bootstrap stack ``<stack>-artifacts`` (the artifacts bucket) if needed;
4. upload the zip (content-addressed key) and the template;
5. create or update the stack, wait, and return its outputs.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from thera_sdk._exceptions import ConfigurationError, TheraError
from thera_sdk.deploy._build import build
from thera_sdk.deploy._package import install_dependencies, lambda_requirements
from thera_sdk.deploy._template import CLOUDFORMATION_DIR

__all__ = ["DeployError", "DeployResult", "deploy", "deploy_template", "require_credentials"]

_DONE = {"CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS"}
_FAILED_SUFFIXES = ("FAILED", "ROLLBACK_COMPLETE", "ROLLBACK_IN_PROGRESS")
_NO_CHANGES = ("didn't contain changes", "No updates are to be performed")


class DeployError(TheraError):
    """A deploy step failed; the message names the step and what to do."""


@dataclass
class DeployResult:
    """The deployed stack and its outputs."""

    stack: str
    status: str
    outputs: dict[str, str] = field(default_factory=dict)


_CREDENTIALS_HINT = (
    "Set AWS_PROFILE (after `aws sso login` or `aws configure`) or AWS_ACCESS_KEY_ID and "
    "AWS_SECRET_ACCESS_KEY, then run the deploy again."
)


def require_credentials(session: Any) -> None:
    """Raise :class:`ConfigurationError` when boto3 finds no usable credentials."""
    from botocore.exceptions import BotoCoreError

    try:
        credentials = session.get_credentials()
    except BotoCoreError as exc:
        raise ConfigurationError(f"No AWS credentials found ({exc}). {_CREDENTIALS_HINT}") from exc
    if credentials is None:
        raise ConfigurationError(f"No AWS credentials found. {_CREDENTIALS_HINT}")


def _wait_stack(
    cfn: Any, stack: str, *, timeout: float, sleep: Callable[[float], None], poll: float
) -> str:
    deadline = time.monotonic() + timeout
    while True:
        status: str = cfn.describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"]
        if status in _DONE:
            return status
        if status.endswith(_FAILED_SUFFIXES):
            events = cfn.describe_stack_events(StackName=stack)["StackEvents"]
            reasons = [
                f"{e['LogicalResourceId']}: {e.get('ResourceStatusReason', '')}"
                for e in events
                if e.get("ResourceStatus", "").endswith("FAILED")
            ][:5]
            raise DeployError(
                f"Stack {stack} ended {status}. First failures:\n  "
                + "\n  ".join(reasons)
                + "\nFix them, then deploy again (a stack in ROLLBACK_COMPLETE must be deleted "
                "first)."
            )
        if time.monotonic() > deadline:
            raise DeployError(f"Stack {stack} was still {status} after {timeout:.0f} s.")
        sleep(poll)


def _exists(cfn: Any, stack: str) -> bool:
    try:
        cfn.describe_stacks(StackName=stack)
    except cfn.exceptions.ClientError as exc:
        if "does not exist" in str(exc):
            return False
        raise
    return True


def deploy_template(
    cfn: Any,
    stack: str,
    *,
    template_url: str | None = None,
    template_body: str | None = None,
    parameters: Mapping[str, str] | None = None,
    timeout: float = 3600,
    sleep: Callable[[float], None] = time.sleep,
    poll: float = 5.0,
) -> DeployResult:
    """Create ``stack``, or update it when it exists, wait for it, and return its outputs.

    An update with nothing to change is not an error: the stack is returned as it is.
    """
    source = {"TemplateURL": template_url} if template_url else {"TemplateBody": template_body}
    request: dict[str, Any] = {
        "StackName": stack,
        "Capabilities": ["CAPABILITY_IAM"],
        "Parameters": [
            {"ParameterKey": k, "ParameterValue": v} for k, v in (parameters or {}).items()
        ],
        **source,
    }
    if _exists(cfn, stack):
        try:
            cfn.update_stack(**request)
        except cfn.exceptions.ClientError as exc:
            if any(text in str(exc) for text in _NO_CHANGES):
                return _result(cfn, stack)
            raise
    else:
        cfn.create_stack(**request, OnFailure="ROLLBACK")
    _wait_stack(cfn, stack, timeout=timeout, sleep=sleep, poll=poll)
    return _result(cfn, stack)


def _result(cfn: Any, stack: str) -> DeployResult:
    described = cfn.describe_stacks(StackName=stack)["Stacks"][0]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in described.get("Outputs", [])}
    return DeployResult(stack, described["StackStatus"], outputs)


def _upload(s3: Any, bucket: str, key: str, path: Path) -> None:
    try:
        s3.head_object(Bucket=bucket, Key=key)
        return  # content-addressed: already there
    except s3.exceptions.ClientError:
        pass
    s3.upload_file(str(path), bucket, key)


def deploy(
    env: str,
    region: str,
    *,
    out: Path = Path("build"),
    session: Any = None,
    endpoint_url: str | None = None,
    stack: str | None = None,
    layer_arn: str = "",
    alarm_email: str = "",
    dependencies: Path | None = None,
    echo: Callable[[str], None] = print,
    sleep: Callable[[float], None] = time.sleep,
) -> DeployResult:
    """Build, upload and deploy the stack ``thera-<env>`` to ``region``.

    Parameters
    ----------
    env
        Environment name (``dev``, ``prod``): the stack is ``thera-<env>`` unless ``stack``.
    region
        AWS Region.
    session
        A ``boto3.Session`` (default: a new one for ``region``).
    endpoint_url
        Send every call to this endpoint (a moto server in tests).
    layer_arn
        The AWS SDK for pandas layer ARN (pyarrow and numpy) for the functions.
    dependencies
        A folder of Lambda-platform packages to add to the zip; by default they are installed
        into ``<out>/lambda/deps`` with pip (wheels for python3.12 on x86_64).

    Examples
    --------
    >>> deploy("dev", "us-east-1")  # doctest: +SKIP
    DeployResult(stack='thera-dev', status='CREATE_COMPLETE', outputs={...})
    """
    import boto3

    session = session or boto3.Session(region_name=region)
    require_credentials(session)
    stack = stack or f"thera-{env}"

    def client(service: str) -> Any:
        return session.client(service, region_name=region, endpoint_url=endpoint_url)

    cfn, s3 = client("cloudformation"), client("s3")
    if dependencies is None:
        dependencies = out / "lambda" / "deps"
        echo(f"Installing the functions' dependencies into {dependencies}/ ...")
        shutil.rmtree(dependencies, ignore_errors=True)
        install_dependencies(dependencies, lambda_requirements())
    echo(f"Building into {out}/ ...")
    built = build(out, package=True, dependencies=dependencies)
    assert built.package is not None
    echo(f"Deploying {stack}-artifacts (the artifacts bucket) ...")
    bootstrap = deploy_template(
        cfn, f"{stack}-artifacts",
        template_body=(CLOUDFORMATION_DIR / "artifacts.json").read_text(encoding="utf-8"),
        sleep=sleep,
    )  # fmt: skip
    bucket = bootstrap.outputs["ArtifactsBucketName"]
    echo(f"Uploading code to s3://{bucket}/{built.package.key} ...")
    _upload(s3, bucket, built.package.key, built.package.path)
    body = built.template.read_bytes()
    template_key = f"templates/thera-{hashlib.sha256(body).hexdigest()[:16]}.json"
    _upload(s3, bucket, template_key, built.template)
    url = f"https://{bucket}.s3.{region}.amazonaws.com/{template_key}"
    parameters = {
        "Env": env,
        "CodeBucket": bucket,
        "CodeKey": built.package.key,
        "DependenciesLayerArn": layer_arn,
        "AlarmEmail": alarm_email,
    }
    echo(f"Deploying {stack} ...")
    result = deploy_template(cfn, stack, template_url=url, parameters=parameters, sleep=sleep)
    echo(json.dumps(result.outputs, indent=2, sort_keys=True))
    return result
