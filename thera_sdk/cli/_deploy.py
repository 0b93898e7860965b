"""``thera deploy``: build, upload and deploy the stack to AWS (what scripts/deploy.sh does)."""

from __future__ import annotations

import os
from pathlib import Path

import click
from botocore.exceptions import BotoCoreError, ClientError

from thera_sdk._exceptions import TheraError


@click.command()
@click.option("--env", "env", default="dev", show_default=True, help="Environment name.")
@click.option("--region", required=True, help="AWS Region, e.g. us-east-1.")
@click.option("--stack", default=None, help="Stack name (default: thera-<env>).")
@click.option(
    "--layer-arn",
    default=lambda: os.environ.get("THERA_LAYER_ARN", ""),
    help="The Region's AWS SDK for pandas layer ARN (pyarrow, numpy) [THERA_LAYER_ARN].",
)
@click.option("--alarm-email", default="", help="Email subscribed to alarms and budget alerts.")
@click.option(
    "--dependencies",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Folder of Lambda-platform packages for the zip (default: pip installs them).",
)
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), default=Path("build"),
    show_default=True, help="Build folder.",
)  # fmt: skip
def deploy(
    env: str,
    region: str,
    stack: str | None,
    layer_arn: str,
    alarm_email: str,
    dependencies: Path | None,
    out: Path,
) -> None:
    """Deploy the stack thera-ENV to REGION and print its outputs."""
    from thera_sdk.deploy import deploy as run_deploy

    if not layer_arn:
        click.echo(
            "warning: no --layer-arn: the functions will miss pyarrow and numpy; pass the "
            "Region's AWSSDKPandas-Python312 layer ARN.",
            err=True,
        )
    try:
        run_deploy(
            env, region, out=out, stack=stack, layer_arn=layer_arn, alarm_email=alarm_email,
            dependencies=dependencies, endpoint_url=os.environ.get("THERA_ENDPOINT_URL") or None,
            echo=click.echo,
        )  # fmt: skip
    except (TheraError, ValueError, FileNotFoundError, RuntimeError) as exc:
        raise click.ClickException(str(exc)) from exc
    except (BotoCoreError, ClientError) as exc:
        raise click.ClickException(
            f"AWS refused a deploy step: {exc}. Check the credentials' permissions and the Region."
        ) from exc
