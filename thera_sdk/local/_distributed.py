"""Distributed Map, run locally: items from an ItemReader, batches, child executions, tolerance,
and results written by a ResultWriter. Children run on threads of this process; the local engine
never pretends to be distributed.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ._errors import StatesError
from ._runtime import CancelToken, Frame, run_concurrently
from ._templates import Scope, compile_template

if TYPE_CHECKING:
    from ._branches import MapState

DEFAULT_MAX_CHILDREN = 32
THRESHOLD_ERROR = "States.ExceedToleratedFailureThreshold"


def _render(state: MapState, spec: Any, effective: Any, scope: Scope, entered_id: int) -> Any:
    return state.render(compile_template(spec), effective, scope, entered_id)


def read_items(
    state: MapState, frame: Frame, effective: Any, scope: Scope, entered_id: int
) -> list[Any]:
    reader = state.spec.get("ItemReader")
    if reader is None:
        return state.items(effective, scope, entered_id)
    objects = frame.run.engine.objects
    params = _render(state, reader.get("Parameters", {}), effective, scope, entered_id)
    config = reader.get("ReaderConfig", {})
    resource = reader["Resource"]
    bucket = params.get("Bucket", "")
    try:
        if resource.endswith("s3:listObjectsV2"):
            items: list[Any] = [
                _listed(info) for info in objects.iter_objects(bucket, params.get("Prefix", ""))
            ]
        else:
            items = _parse(objects.get(bucket, params["Key"]), config, objects)
    except StatesError:
        raise
    except Exception as exc:  # a missing or unreadable object, malformed data
        raise StatesError(
            "States.ItemReaderFailed",
            f"The ItemReader of state '{state.name}' could not read "
            f"'{bucket}/{params.get('Key', params.get('Prefix', ''))}': {exc}",
        ) from exc
    limit = config.get("MaxItems")
    if "MaxItemsPath" in config:
        limit = scope.read(config["MaxItemsPath"], effective)
    return items[:limit] if limit else items


def _listed(info: Any) -> dict[str, Any]:
    """An object as the listObjectsV2 reader gives it to an iteration."""
    stamp = info.last_modified
    return {
        "Etag": f'"{info.etag}"',
        "Key": info.key,
        "LastModified": stamp.isoformat() if stamp is not None else None,
        "Size": info.size,
        "StorageClass": "STANDARD",
    }


def _parse(body: bytes, config: dict[str, Any], objects: Any) -> list[Any]:
    kind = config.get("InputType", "JSON")
    if body[:2] == b"\x1f\x8b":
        body = gzip.decompress(body)
    text = body.decode("utf-8")
    if kind == "JSON":
        data = json.loads(text)
        if not isinstance(data, list):
            raise ValueError("a JSON ItemReader file must hold an array")
        return data
    if kind == "JSONL":
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    if kind == "CSV":
        delimiter = {"COMMA": ",", "PIPE": "|", "SEMICOLON": ";", "SPACE": " ", "TAB": "\t"}[
            config.get("CSVDelimiter", "COMMA")
        ]
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
        if config.get("CSVHeaderLocation", "FIRST_ROW") == "GIVEN":
            headers = config["CSVHeaders"]
        else:
            headers, rows = rows[0], rows[1:]
        return [dict(zip(headers, row, strict=False)) for row in rows if row]
    if kind == "MANIFEST":
        return _manifest_items(text, objects)
    raise ValueError(f"unsupported ReaderConfig.InputType {kind!r}")


def _manifest_items(text: str, objects: Any) -> list[Any]:
    """An S3 Inventory manifest (JSON) or a list of ``s3://bucket/key`` lines (Athena)."""
    stripped = text.lstrip()
    if stripped.startswith("{"):
        manifest = json.loads(text)
        bucket = manifest["destinationBucket"].split(":::")[-1]
        items = []
        for entry in manifest["files"]:
            body = objects.get(bucket, entry["key"])
            if body[:2] == b"\x1f\x8b":
                body = gzip.decompress(body)
            for row in csv.reader(io.StringIO(body.decode("utf-8"))):
                if row:
                    items.append({"Bucket": row[0], "Key": row[1]})
        return items
    items = []
    for line in text.splitlines():
        line = line.strip().strip('"')
        if line.startswith("s3://"):
            bucket, _, key = line[5:].partition("/")
            items.append({"Bucket": bucket, "Key": key})
    return items


def _batches(
    state: MapState, items: list[Any], effective: Any, scope: Scope, entered_id: int
) -> list[Any]:
    batcher = state.spec.get("ItemBatcher")
    if batcher is None:
        return items
    max_items = batcher.get("MaxItemsPerBatch")
    if "MaxItemsPerBatchPath" in batcher:
        max_items = scope.read(batcher["MaxItemsPerBatchPath"], effective)
    max_bytes = batcher.get("MaxInputBytesPerBatch")
    if "MaxInputBytesPerBatchPath" in batcher:
        max_bytes = scope.read(batcher["MaxInputBytesPerBatchPath"], effective)
    batch_input = (
        _render(state, batcher["BatchInput"], effective, scope, entered_id)
        if "BatchInput" in batcher
        else None
    )
    batches: list[Any] = []
    current: list[Any] = []

    def size(candidate: list[Any]) -> int:
        body: dict[str, Any] = {"Items": candidate}
        if batch_input is not None:
            body["BatchInput"] = batch_input
        return len(json.dumps(body, separators=(",", ":")).encode())

    for item in items:
        full = max_items is not None and len(current) >= max_items
        too_big = max_bytes is not None and current and size([*current, item]) > max_bytes
        if full or too_big:
            batches.append(current)
            current = []
        current.append(item)
    if current:
        batches.append(current)
    shaped = []
    for batch in batches:
        body = {"Items": batch}
        if batch_input is not None:
            body = {"BatchInput": batch_input, "Items": batch}
        shaped.append(body)
    return shaped


def _exceeded(state: MapState, failed: int, total: int, effective: Any, scope: Scope) -> bool:
    spec = state.spec
    count = spec.get("ToleratedFailureCount")
    if "ToleratedFailureCountPath" in spec:
        count = scope.read(spec["ToleratedFailureCountPath"], effective)
    percentage = spec.get("ToleratedFailurePercentage")
    if "ToleratedFailurePercentagePath" in spec:
        percentage = scope.read(spec["ToleratedFailurePercentagePath"], effective)
    if failed == 0:
        return False
    if count is None and percentage is None:
        return True
    over_count = count is not None and failed > count
    over_percentage = percentage is not None and total and failed * 100.0 / total > percentage
    if count is not None and percentage is not None:
        return over_count and over_percentage
    return bool(over_count or over_percentage)


def run_map(
    state: MapState, frame: Frame, effective: Any, scope: Scope, entered: datetime, entered_id: int
) -> Any:
    from ._engine import run_child

    run = frame.run
    engine = run.engine
    items = read_items(state, frame, effective, scope, entered_id)
    selected = [
        state.select_item(frame, effective, entered, 0, i, v, entered_id)
        for i, v in enumerate(items)
    ]
    inputs = _batches(state, selected, effective, scope, entered_id)
    run_id = str(uuid.uuid4())
    map_run_arn = (
        f"arn:aws:states:{engine.region}:{engine.account_id}:mapRun:"
        f"{run.state_machine_name}/{state.label}:{run_id}"
    )
    frame.event("MapStateStarted", {"length": len(inputs)})
    frame.event("MapRunStarted", {"mapRunArn": map_run_arn})
    width = state.width(effective, scope, entered_id, engine.max_children)

    def job_for(index: int, child_input: Any) -> Callable[[CancelToken], Any]:
        def job(group: CancelToken) -> Any:
            child = run_child(run, state.machine, child_input, f"{state.label}:{index}", group)
            if engine.on_event is not None:  # progress only: AWS keeps no such parent event
                engine.on_event(
                    "ChildExecutionFinished",
                    {"name": state.name, "status": child.status, "total": len(inputs)},
                )
            return child

        return job

    children = run_concurrently([job_for(i, v) for i, v in enumerate(inputs)], width, frame.cancel)
    run.map_runs.append({"mapRunArn": map_run_arn, "state": state.name, "children": children})
    failed = [c for c in children if c.status != "SUCCEEDED"]
    if _exceeded(state, len(failed), len(children), effective, scope):
        cause = (
            f"The specified tolerated failure threshold was exceeded: {len(failed)} of "
            f"{len(children)} child executions failed."
        )
        frame.event("MapRunFailed", {"error": THRESHOLD_ERROR, "cause": cause})
        frame.event("MapStateFailed")
        raise StatesError(THRESHOLD_ERROR, cause)
    frame.event("MapRunSucceeded")
    frame.event("MapStateSucceeded")
    if "ResultWriter" in state.spec:
        return _write_results(
            state, frame, children, map_run_arn, run_id, effective, scope, entered_id
        )
    return [
        c.output if c.status == "SUCCEEDED" else {"Error": c.error, "Cause": c.cause}
        for c in children
    ]


def _write_results(
    state: MapState,
    frame: Frame,
    children: list[Any],
    map_run_arn: str,
    run_id: str,
    effective: Any,
    scope: Scope,
    entered_id: int,
) -> Any:
    writer = state.spec["ResultWriter"]
    params = _render(state, writer.get("Parameters", {}), effective, scope, entered_id)
    bucket = params.get("Bucket", "")
    prefix = params.get("Prefix", "").rstrip("/")
    base = f"{prefix}/{run_id}" if prefix else run_id
    objects = frame.run.engine.objects
    groups: dict[str, list[Any]] = {"SUCCEEDED": [], "FAILED": [], "PENDING": []}
    for child in children:
        groups["SUCCEEDED" if child.status == "SUCCEEDED" else "FAILED"].append(child.record())
    files: dict[str, list[dict[str, Any]]] = {k: [] for k in groups}
    try:
        for status, records in groups.items():
            if not records:
                continue
            key = f"{base}/{status}_0.json"
            body = json.dumps(records).encode()
            objects.put(bucket, key, body, content_type="application/json")
            files[status].append({"Key": key, "Size": len(body)})
        manifest = {"DestinationBucket": bucket, "MapRunArn": map_run_arn, "ResultFiles": files}
        objects.put(
            bucket,
            f"{base}/manifest.json",
            json.dumps(manifest).encode(),
            content_type="application/json",
        )
    except Exception as exc:
        raise StatesError(
            "States.ResultWriterFailed",
            f"The ResultWriter of state '{state.name}' could not write to '{bucket}/{base}': {exc}",
        ) from exc
    return {
        "MapRunArn": map_run_arn,
        "ResultWriterDetails": {"Bucket": bucket, "Key": f"{base}/manifest.json"},
    }
