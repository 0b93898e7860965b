"""The weekly training workflow: retrain the match re-ranking model on shortlist feedback.

::

    Train model -> Promoted? -> Model promoted | Model kept

The trainer compares the new model with the current one on the same validation set and promotes
it only if it is better; either way the run succeeds, and ``$.training`` says what happened.
"""

from __future__ import annotations

from workflows import Catch, Choice, Condition, Fail, LambdaInvoke, StateMachine, Succeed, jp
from workflows.functions import BY_KEY

NAME = "weekly-training"
SCHEDULE = "cron(0 18 ? * SUN *)"  # Sunday 18:00 UTC
TIMEOUT_SECONDS = 2 * 3600


def build() -> StateMachine:
    """The weekly training workflow as a builder graph."""
    failed = Fail("Training failed", error_path="$.failure.Error", cause_path="$.failure.Cause")
    train = LambdaInvoke(
        "Train model",
        function_name=BY_KEY["MlTrainer"].placeholder,
        payload=jp("$"),
        result_selector={"summary": jp("$.Payload")},
        result_path="$.training",
        catch=[Catch(["States.ALL"], failed, result_path="$.failure")],
    )
    decide = (
        Choice("Promoted?")
        .when(Condition.boolean_equals("$.training.summary.promoted", True),
              Succeed("Model promoted"))
        .otherwise(Succeed("Model kept"))
    )
    return StateMachine(
        train.next(decide),
        comment="Thera weekly training of the match re-ranking model.",
        timeout_seconds=TIMEOUT_SECONDS,
    )
