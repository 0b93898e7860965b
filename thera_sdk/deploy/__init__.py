"""Deploying Thera: render the CloudFormation stack, package the functions, deploy.

The stack is ``cloudformation/base.json`` (the static part: key, buckets, catalog database,
workgroup, alarm topic, budget) plus parts rendered from the code: DynamoDB tables, Glue tables,
one Lambda per ``workflows.functions.FUNCTIONS`` entry with its own least-privilege role, one
state machine per workflow (definition compiled from ``workflows/``, role from its compiled
graph), schedules, alarms and a dashboard.

Examples
--------
>>> from thera_sdk.deploy import build, load_workflows, mermaid
>>> result = build(Path("build"))  # doctest: +SKIP
>>> print(mermaid(load_workflows()[0].compile()))  # doctest: +SKIP
"""

from thera_sdk.deploy._build import BuildResult, build, checked_in_files, rendered_files
from thera_sdk.deploy._datasets import DATASETS, Dataset, dataset
from thera_sdk.deploy._ddl import ddl
from thera_sdk.deploy._deploy import (
    DeployError,
    DeployResult,
    deploy,
    deploy_template,
    require_credentials,
)
from thera_sdk.deploy._grants import ACCESS, Access, ObjectGrant
from thera_sdk.deploy._mermaid import mermaid
from thera_sdk.deploy._names import BUCKETS, TABLES, BucketDef, TableDef
from thera_sdk.deploy._package import (
    PackageInfo,
    build_zip,
    install_dependencies,
    lambda_requirements,
)
from thera_sdk.deploy._template import CLOUDFORMATION_DIR, STACK_TEMPLATE, render_template
from thera_sdk.deploy._workflows import Workflow, find_workflow, load_workflows

__all__ = [
    "ACCESS",
    "BUCKETS",
    "CLOUDFORMATION_DIR",
    "DATASETS",
    "STACK_TEMPLATE",
    "TABLES",
    "Access",
    "BucketDef",
    "BuildResult",
    "Dataset",
    "DeployError",
    "DeployResult",
    "ObjectGrant",
    "PackageInfo",
    "TableDef",
    "Workflow",
    "build",
    "build_zip",
    "checked_in_files",
    "dataset",
    "ddl",
    "deploy",
    "deploy_template",
    "find_workflow",
    "install_dependencies",
    "lambda_requirements",
    "load_workflows",
    "mermaid",
    "render_template",
    "rendered_files",
    "require_credentials",
]
