"""What the stack declares agrees with what the code uses: tables, functions, datasets, files."""

from __future__ import annotations

import pytest

from thera_sdk.deploy import ACCESS, DATASETS, TABLES, checked_in_files, load_workflows
from thera_sdk.deploy._build import stale_ddl_files
from thera_sdk.deploy._names import TableDef
from workflows.functions import FUNCTIONS


def _table(logical: str) -> TableDef:
    return next(t for t in TABLES if t.logical == logical)


def test_tables_have_the_keys_the_code_uses() -> None:
    from tasks.publisher import PRIVATE_TABLE, PUBLIC_TABLE
    from thera_sdk.sources import QUOTA_TABLE_SPEC, SNAPSHOT_TABLE_SPEC

    for spec in (QUOTA_TABLE_SPEC, SNAPSHOT_TABLE_SPEC):
        assert _table(spec.name).partition_key == spec.partition_key
    for logical in (PUBLIC_TABLE, PRIVATE_TABLE):
        assert _table(logical).partition_key == "startup_id"
        assert _table(logical).ttl_attribute == "expires_at"
    assert _table(PRIVATE_TABLE).point_in_time_recovery


def test_every_function_has_an_access_entry() -> None:
    missing = [spec.key for spec in FUNCTIONS if spec.key not in ACCESS]
    assert missing == [], f"add {missing} to thera_sdk/deploy/_grants.py ACCESS"
    assert set(ACCESS) <= {spec.key for spec in FUNCTIONS}


def test_datasets_have_unique_names_and_folders() -> None:
    assert len({d.name for d in DATASETS}) == len(DATASETS)
    assert len({d.prefix for d in DATASETS}) == len(DATASETS)
    assert all(d.prefix.endswith("/") and "date" not in d.schema.names for d in DATASETS)


def test_checked_in_stack_and_ddl_match_a_fresh_render() -> None:
    # GIVEN the workflows in workflows/ (skipped until they exist)
    workflows = load_workflows()
    if not workflows:
        pytest.skip("workflows/daily.py and workflows/weekly_training.py are not written yet")
    # THEN cloudformation/thera.json and sql/ddl/ are what `thera build` renders today
    files = checked_in_files(workflows)
    stale = [
        str(path) for path, text in files.items()
        if not path.exists() or path.read_text(encoding="utf-8") != text
    ] + [str(path) for path in stale_ddl_files(files)]  # fmt: skip
    assert stale == [], f"{stale} are stale: run `thera build --update-checked-in`"


def test_embeddings_columns_mirror_the_writer() -> None:
    import numpy as np

    from tasks.embeddings_batch.handler import embeddings_table
    from tasks.embeddings_batch.logic import EmbedOutcome
    from thera_sdk.deploy import dataset

    outcome = EmbedOutcome([], np.zeros((0, 4), dtype=np.float32), [], [], None)
    assert embeddings_table(outcome, "m", 4).schema == dataset("embeddings").schema


def test_manifests_are_where_the_machine_role_lets_the_maps_read() -> None:
    import inspect

    import tasks.plan_stage.handler as plan_stage
    from thera_sdk.deploy._names import MANIFEST_PREFIX

    assert f'key = f"{MANIFEST_PREFIX}date=' in inspect.getsource(plan_stage)
