"""Thera's workflows, written with a small typed builder that emits Amazon States Language.

A workflow is plain data: states built by small classes, chained with ``next()``, wrapped
in a :class:`StateMachine` and compiled to an ASL dict. The same dict is deployed to AWS
Step Functions and run by the local engine. ``compile()`` reports every problem at once,
and :func:`validate_definition` checks any ASL definition, builder output or not.

The AWS Step Functions Data Science SDK is not used: its last release is from 2022, it
drags in ``sagemaker`` (and fails to import with today's version) and it has no
Distributed Map, ItemReader or ItemBatcher.

Examples
--------
>>> from workflows import (Catch, Choice, Condition, Fail, LambdaInvoke, Map,
...                        StateMachine, Succeed, jp)
>>> failed = Fail("Failed", error="Thera.CheckFailed")
>>> check = LambdaInvoke("Check domains", function_name="thera-check-domains",
...                      catch=[Catch(["States.ALL"], failed)])
>>> scrape = Map("Scrape", items_path="$.live", max_concurrency=10,
...              item_selector={"domain": jp("$$.Map.Item.Value")},
...              item_processor=LambdaInvoke("Scrape one", function_name="thera-scrape"))
>>> route = (Choice("Any live?")
...          .when(Condition.is_present("$.live[0]"), scrape.next(Succeed("Done")))
...          .otherwise(Succeed("Nothing live")))
>>> asl = StateMachine(check.next(route)).compile()
>>> list(asl["States"])
['Check domains', 'Failed', 'Any live?', 'Scrape', 'Done', 'Nothing live']
"""

from workflows._base import Catch, Chain, DefinitionError, Retry, State
from workflows._choice import Choice, ChoiceRule, Condition
from workflows._compile import StateMachine, iam_statements
from workflows._iam import IamStatement
from workflows._map import DistributedMap, ItemBatcher, ItemReader, Map, ResultWriter
from workflows._paths import JsonPath, jp
from workflows._states import (
    LAMBDA_SERVICE_RETRY,
    Fail,
    LambdaInvoke,
    Parallel,
    Pass,
    StateRef,
    Succeed,
    Task,
    Wait,
)
from workflows._validate import check_definition, validate_definition

__all__ = [
    "LAMBDA_SERVICE_RETRY",
    "Catch",
    "Chain",
    "Choice",
    "ChoiceRule",
    "Condition",
    "DefinitionError",
    "DistributedMap",
    "Fail",
    "IamStatement",
    "ItemBatcher",
    "ItemReader",
    "JsonPath",
    "LambdaInvoke",
    "Map",
    "Parallel",
    "Pass",
    "ResultWriter",
    "Retry",
    "State",
    "StateMachine",
    "StateRef",
    "Succeed",
    "Task",
    "Wait",
    "check_definition",
    "iam_statements",
    "jp",
    "validate_definition",
]
