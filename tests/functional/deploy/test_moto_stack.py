"""The rendered stack deploys into a moto server (CloudFormation over real HTTP) and creates the
buckets, tables, functions, queues and state machines it declares.

What moto cannot create is dropped first (see deploy_moto.py) and listed in the last test, so a
change in moto's coverage shows up here.
"""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from deploy_moto import moto_template

from thera_sdk.deploy import TABLES, load_workflows, render_template
from thera_sdk.deploy._names import table_logical_id
from workflows.functions import FUNCTIONS


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("tasks/__init__.py", "")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def deployed(moto_endpoint: str) -> Iterator[dict[str, Any]]:
    """Deploy the stack of the real workflows once; yield clients, outputs and what was dropped."""
    workflows = load_workflows()
    if not workflows:
        pytest.skip("workflows/daily.py and workflows/weekly_training.py are not written yet")
    template, dropped = moto_template(render_template(workflows))
    stack = f"thera-t{uuid.uuid4().hex[:8]}"
    clients = {
        name: boto3.client(name, endpoint_url=moto_endpoint, region_name="us-east-1")
        for name in ("cloudformation", "s3", "dynamodb", "lambda", "stepfunctions", "sqs", "iam")
    }
    s3 = clients["s3"]
    s3.create_bucket(Bucket=f"{stack}-artifacts")
    s3.put_object(Bucket=f"{stack}-artifacts", Key="lambda/code.zip", Body=_zip())
    # GIVEN the template in S3, as `aws cloudformation deploy --s3-bucket` leaves it
    s3.put_object(Bucket=f"{stack}-artifacts", Key="thera.json", Body=json.dumps(template))
    # WHEN the stack is created from it
    cfn = clients["cloudformation"]
    cfn.create_stack(
        StackName=stack,
        TemplateURL=f"https://{stack}-artifacts.s3.us-east-1.amazonaws.com/thera.json",
        Parameters=[
            {"ParameterKey": "Env", "ParameterValue": "test"},
            {"ParameterKey": "CodeBucket", "ParameterValue": f"{stack}-artifacts"},
            {"ParameterKey": "CodeKey", "ParameterValue": "lambda/code.zip"},
        ],
        Capabilities=["CAPABILITY_IAM"],
    )
    description = cfn.describe_stacks(StackName=stack)["Stacks"][0]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in description.get("Outputs", [])}
    yield {
        "stack": stack, "status": description["StackStatus"], "outputs": outputs,
        "dropped": dropped, "workflows": workflows, **clients,
    }  # fmt: skip
    cfn.delete_stack(StackName=stack)


def test_stack_is_created(deployed: dict[str, Any]) -> None:
    assert deployed["status"] == "CREATE_COMPLETE"


def test_buckets_exist(deployed: dict[str, Any]) -> None:
    names = {b["Name"] for b in deployed["s3"].list_buckets()["Buckets"]}
    for output in ("DataBucketName", "GoldBucketName"):
        assert deployed["outputs"][output] in names
    assert deployed["outputs"]["DataBucketName"].startswith(f"{deployed['stack']}-data-")


def test_tables_exist_with_their_keys(deployed: dict[str, Any]) -> None:
    for table in TABLES:
        name = deployed["outputs"][f"{table_logical_id(table.logical)}Name"]
        assert name == f"{deployed['stack']}-{table.logical}"
        described = deployed["dynamodb"].describe_table(TableName=name)["Table"]
        assert described["KeySchema"] == [{"AttributeName": table.partition_key, "KeyType": "HASH"}]
        assert described["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"


def test_functions_exist_sized_with_their_role_queue_and_settings(deployed: dict[str, Any]) -> None:
    client, stack = deployed["lambda"], deployed["stack"]
    for spec in FUNCTIONS:
        config = client.get_function(FunctionName=f"{stack}-{spec.name}")["Configuration"]
        assert config["Handler"] == spec.handler
        assert (config["MemorySize"], config["Timeout"]) == (spec.memory_mb, spec.timeout_s)
        role = config["Role"].rsplit("/", 1)[-1]
        assert f"{spec.key}Role" in role
        assert deployed["iam"].get_role(RoleName=role)["Role"]["Arn"] == config["Role"]
        variables = config["Environment"]["Variables"]
        assert variables["THERA_BACKEND"] == "aws"
        assert variables["THERA_STACK"] == stack
        assert variables["THERA_BUCKET_DATA"] == deployed["outputs"]["DataBucketName"]
        # moto keeps no DeadLetterConfig on the function; the queue itself must exist
        assert deployed["sqs"].get_queue_url(QueueName=f"{stack}-{spec.name}-dlq")["QueueUrl"]
        concurrency = client.get_function_concurrency(FunctionName=f"{stack}-{spec.name}")
        assert concurrency["ReservedConcurrentExecutions"] >= 1


def test_state_machines_exist_with_the_function_arns_filled_in(deployed: dict[str, Any]) -> None:
    sfn, stack = deployed["stepfunctions"], deployed["stack"]
    machines = {m["name"]: m["stateMachineArn"] for m in sfn.list_state_machines()["stateMachines"]}
    for workflow in deployed["workflows"]:
        arn = machines[f"{stack}-{workflow.name}"]
        assert (
            deployed["outputs"][f"{workflow.name.title().replace('-', '')}StateMachineArn"] == arn
        )
        definition = json.loads(sfn.describe_state_machine(stateMachineArn=arn)["definition"])
        assert definition["StartAt"] == workflow.compile()["StartAt"]
        text = json.dumps(definition)
        assert "${" not in text  # every placeholder was substituted
        assert f":function:{stack}-" in text


def test_what_moto_cannot_create_is_known(deployed: dict[str, Any]) -> None:
    # These are checked by cfn-lint and the unit tests only; a new type here needs a decision.
    assert set(deployed["dropped"].values()) <= {
        "AWS::Athena::WorkGroup", "AWS::Budgets::Budget", "AWS::CloudWatch::Alarm",
        "AWS::Glue::Database", "AWS::Glue::Table", "AWS::S3::BucketPolicy",
        "AWS::SNS::Subscription", "AWS::SNS::TopicPolicy", "AWS::Scheduler::Schedule",
    }  # fmt: skip
