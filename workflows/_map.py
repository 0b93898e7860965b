"""Map states (inline and distributed) and the distributed Map's reader, batcher and writer."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import KW_ONLY, dataclass
from typing import Any, Literal

from workflows._base import (
    Catch,
    Chain,
    RenderContext,
    Retry,
    State,
    _render_fields,
    _render_next_end,
    _render_paths,
    _render_retry_catch,
)
from workflows._iam import IamStatement, statements_for_state
from workflows._paths import JsonPath, render_template

CsvDelimiter = Literal["COMMA", "PIPE", "SEMICOLON", "SPACE", "TAB"]


@dataclass(frozen=True)
class ItemReader:
    """Where a Distributed Map reads its items: an S3 object or the objects under a prefix.

    Build one with a ``s3_...`` constructor. ``bucket`` and ``key`` may be ``jp()`` values.

    Examples
    --------
    >>> reader = ItemReader.s3_csv("thera-raw", "apollo/companies.csv", max_items=100)
    >>> reader.render()["ReaderConfig"]
    {'InputType': 'CSV', 'CSVHeaderLocation': 'FIRST_ROW', 'MaxItems': 100}
    """

    resource: str
    parameters: Mapping[str, Any]
    reader_config: Mapping[str, Any] | None = None

    @classmethod
    def _file(
        cls,
        input_type: str,
        bucket: str | JsonPath,
        key: str | JsonPath,
        *,
        max_items: int | None,
        max_items_path: str | None,
        version_id: str | None = None,
        **config: Any,
    ) -> ItemReader:
        parameters: dict[str, Any] = {"Bucket": bucket, "Key": key}
        parameters.update(_render_fields(VersionId=version_id))
        reader_config = {"InputType": input_type, **_render_fields(**config)}
        reader_config.update(_render_fields(MaxItems=max_items, MaxItemsPath=max_items_path))
        return cls("arn:aws:states:::s3:getObject", parameters, reader_config)

    @classmethod
    def s3_json(
        cls,
        bucket: str | JsonPath,
        key: str | JsonPath,
        *,
        max_items: int | None = None,
        max_items_path: str | None = None,
        version_id: str | None = None,
    ) -> ItemReader:
        """Items are the elements of the JSON array stored at ``key``."""
        return cls._file(
            "JSON",
            bucket,
            key,
            max_items=max_items,
            max_items_path=max_items_path,
            version_id=version_id,
        )

    @classmethod
    def s3_jsonl(
        cls,
        bucket: str | JsonPath,
        key: str | JsonPath,
        *,
        max_items: int | None = None,
        max_items_path: str | None = None,
        version_id: str | None = None,
    ) -> ItemReader:
        """Items are the lines of the JSON Lines file stored at ``key``."""
        return cls._file(
            "JSONL",
            bucket,
            key,
            max_items=max_items,
            max_items_path=max_items_path,
            version_id=version_id,
        )

    @classmethod
    def s3_csv(
        cls,
        bucket: str | JsonPath,
        key: str | JsonPath,
        *,
        header_location: Literal["FIRST_ROW", "GIVEN"] = "FIRST_ROW",
        headers: Sequence[str] | None = None,
        delimiter: CsvDelimiter | None = None,
        max_items: int | None = None,
        max_items_path: str | None = None,
        version_id: str | None = None,
    ) -> ItemReader:
        """Items are the rows of a CSV file, as objects keyed by the column headers.

        ``header_location="GIVEN"`` needs ``headers`` (the file then has no header row).
        """
        return cls._file(
            "CSV",
            bucket,
            key,
            max_items=max_items,
            max_items_path=max_items_path,
            version_id=version_id,
            CSVHeaderLocation=header_location,
            CSVHeaders=list(headers) if headers is not None else None,
            CSVDelimiter=delimiter,
        )

    @classmethod
    def s3_manifest(
        cls,
        bucket: str | JsonPath,
        key: str | JsonPath,
        *,
        max_items: int | None = None,
        max_items_path: str | None = None,
    ) -> ItemReader:
        """Items are the objects listed in an S3 Inventory or Athena ``manifest`` file."""
        return cls._file(
            "MANIFEST", bucket, key, max_items=max_items, max_items_path=max_items_path
        )

    @classmethod
    def s3_objects(
        cls, bucket: str | JsonPath, prefix: str | JsonPath = "", *, max_items: int | None = None
    ) -> ItemReader:
        """Items are the objects (``Key``, ``Size``...) listed under ``prefix``."""
        config = {"MaxItems": max_items} if max_items is not None else None
        return cls(
            "arn:aws:states:::s3:listObjectsV2", {"Bucket": bucket, "Prefix": prefix}, config
        )

    def render(self) -> dict[str, Any]:
        """Render the reader as ASL."""
        rendered: dict[str, Any] = {"Resource": self.resource}
        if self.reader_config:
            rendered["ReaderConfig"] = dict(self.reader_config)
        rendered["Parameters"] = render_template(self.parameters)
        return rendered


@dataclass(frozen=True)
class ItemBatcher:
    """Group items into batches; each child execution gets ``{"Items": [...], "BatchInput": ...}``.

    Examples
    --------
    >>> ItemBatcher(max_items_per_batch=50, batch_input={"run": "daily"}).render()
    {'MaxItemsPerBatch': 50, 'BatchInput': {'run': 'daily'}}
    """

    _: KW_ONLY
    max_items_per_batch: int | None = None
    max_items_per_batch_path: str | None = None
    max_input_bytes_per_batch: int | None = None
    max_input_bytes_per_batch_path: str | None = None
    batch_input: Mapping[str, Any] | None = None

    def render(self) -> dict[str, Any]:
        """Render the batcher as ASL."""
        rendered = _render_fields(
            MaxItemsPerBatch=self.max_items_per_batch,
            MaxItemsPerBatchPath=self.max_items_per_batch_path,
            MaxInputBytesPerBatch=self.max_input_bytes_per_batch,
            MaxInputBytesPerBatchPath=self.max_input_bytes_per_batch_path,
        )
        if self.batch_input is not None:
            rendered["BatchInput"] = render_template(self.batch_input)
        return rendered


@dataclass(frozen=True)
class ResultWriter:
    """Write the child executions' results to S3 under ``prefix`` instead of the state output.

    Examples
    --------
    >>> ResultWriter("thera-runs", "scrape/", output_type="JSONL").render()["WriterConfig"]
    {'OutputType': 'JSONL'}
    """

    bucket: str | JsonPath
    prefix: str | JsonPath
    _: KW_ONLY
    transformation: Literal["NONE", "COMPACT", "FLATTEN"] | None = None
    output_type: Literal["JSON", "JSONL"] | None = None

    def render(self) -> dict[str, Any]:
        """Render the writer as ASL."""
        rendered: dict[str, Any] = {
            "Resource": "arn:aws:states:::s3:putObject",
            "Parameters": render_template({"Bucket": self.bucket, "Prefix": self.prefix}),
        }
        config = _render_fields(Transformation=self.transformation, OutputType=self.output_type)
        if config:
            rendered["WriterConfig"] = config
        return rendered


def _render_item_processor(
    processor: State | Chain | None, config: Mapping[str, Any], ctx: RenderContext, label: str
) -> dict[str, Any]:
    """``ItemProcessor`` with its ``ProcessorConfig``; omitted (and reported) when missing."""
    if processor is None:
        return {}
    return {"ItemProcessor": {"ProcessorConfig": dict(config), **ctx.branch(processor, label)}}


@dataclass(frozen=True)
class Map(State):
    """An inline Map state: runs ``item_processor`` for each element of an array.

    ``items_path`` selects the array (default: the whole input), ``item_selector`` shapes
    each iteration's input (``jp("$$.Map.Item.Value")`` is the item), ``max_concurrency``
    caps parallel iterations (``0``, AWS's default, means no cap; inline Maps run at most
    40 at a time anyway).

    Examples
    --------
    >>> from workflows import LambdaInvoke, Map, StateMachine, jp
    >>> scrape = Map("Scrape each", items_path="$.domains", max_concurrency=10,
    ...              item_selector={"domain": jp("$$.Map.Item.Value")},
    ...              item_processor=LambdaInvoke("Scrape", function_name="thera-scrape"))
    >>> StateMachine(scrape).compile()["States"]["Scrape each"]["ItemProcessor"]["StartAt"]
    'Scrape'
    """

    name: str
    _: KW_ONLY
    item_processor: State | Chain | None = None
    items_path: str = "$"
    item_selector: Mapping[str, Any] | None = None
    max_concurrency: int | None = None
    max_concurrency_path: str | None = None
    comment: str | None = None
    input_path: str | None = "$"
    result_selector: Mapping[str, Any] | None = None
    result_path: str | None = "$"
    output_path: str | None = "$"
    assign: Mapping[str, Any] | None = None
    retry: Sequence[Retry] = ()
    catch: Sequence[Catch] = ()

    def __post_init__(self) -> None:
        for field in ("retry", "catch"):
            object.__setattr__(self, field, tuple(getattr(self, field)))

    def targets(self) -> tuple[State | Chain, ...]:
        return tuple(catcher.handler for catcher in self.catch)

    def bodies(self) -> tuple[State | Chain, ...]:
        return () if self.item_processor is None else (self.item_processor,)

    def processor_config(self) -> dict[str, Any]:
        """The ``ProcessorConfig`` of the item processor."""
        return {"Mode": "INLINE"}

    def _render_distributed(self) -> dict[str, Any]:
        return {}

    def render(self, next_name: str | None, ctx: RenderContext) -> dict[str, Any]:
        rendered: dict[str, Any] = {"Type": "Map"}
        rendered.update(_render_fields(Comment=self.comment))
        rendered.update(
            _render_item_processor(
                self.item_processor,
                self.processor_config(),
                ctx,
                f"Map {self.name!r} item processor",
            )
        )
        if self.items_path != "$":
            rendered["ItemsPath"] = self.items_path
        if self.item_selector is not None:
            rendered["ItemSelector"] = render_template(self.item_selector)
        rendered.update(
            _render_fields(
                MaxConcurrency=self.max_concurrency, MaxConcurrencyPath=self.max_concurrency_path
            )
        )
        rendered.update(self._render_distributed())
        rendered.update(
            _render_paths(
                input_path=self.input_path,
                result_selector=self.result_selector,
                result_path=self.result_path,
                output_path=self.output_path,
                assign=self.assign,
            )
        )
        rendered.update(_render_retry_catch(self.retry, self.catch))
        rendered.update(_render_next_end(next_name))
        return rendered


@dataclass(frozen=True, kw_only=True)
class DistributedMap(Map):
    """A Distributed Map: each item (or batch) runs as a child workflow execution.

    Reads items from the input or from S3 (``item_reader``), can batch them
    (``item_batcher``), write results to S3 (``result_writer``) and tolerate some failed
    items. Child executions are ``STANDARD`` or ``EXPRESS`` (``execution_type``);
    ``max_concurrency`` defaults to AWS's 10,000.

    Examples
    --------
    >>> from workflows import DistributedMap, ItemReader, LambdaInvoke, StateMachine
    >>> scrape = DistributedMap(
    ...     "Scrape all",
    ...     item_reader=ItemReader.s3_jsonl("thera-raw", "live/domains.jsonl"),
    ...     item_processor=LambdaInvoke("Scrape", function_name="thera-scrape"),
    ...     tolerated_failure_percentage=5,
    ... )
    >>> StateMachine(scrape).compile()["States"]["Scrape all"]["ItemProcessor"]["ProcessorConfig"]
    {'Mode': 'DISTRIBUTED', 'ExecutionType': 'STANDARD'}
    """

    execution_type: Literal["STANDARD", "EXPRESS"] = "STANDARD"
    item_reader: ItemReader | None = None
    item_batcher: ItemBatcher | None = None
    result_writer: ResultWriter | None = None
    # An integer: cfn-lint types the field as one (AWS also takes decimals; use the Path).
    tolerated_failure_percentage: int | None = None
    tolerated_failure_percentage_path: str | None = None
    tolerated_failure_count: int | None = None
    tolerated_failure_count_path: str | None = None
    label: str | None = None

    def processor_config(self) -> dict[str, Any]:
        return {"Mode": "DISTRIBUTED", "ExecutionType": self.execution_type}

    def _render_distributed(self) -> dict[str, Any]:
        rendered: dict[str, Any] = {}
        if self.item_reader is not None:
            rendered["ItemReader"] = self.item_reader.render()
        if self.item_batcher is not None:
            rendered["ItemBatcher"] = self.item_batcher.render()
        if self.result_writer is not None:
            rendered["ResultWriter"] = self.result_writer.render()
        rendered.update(
            _render_fields(
                ToleratedFailurePercentage=self.tolerated_failure_percentage,
                ToleratedFailurePercentagePath=self.tolerated_failure_percentage_path,
                ToleratedFailureCount=self.tolerated_failure_count,
                ToleratedFailureCountPath=self.tolerated_failure_count_path,
                Label=self.label,
            )
        )
        return rendered

    def iam_statements(self) -> list[IamStatement]:
        fragment = {
            "Type": "Map",
            "ItemProcessor": {"ProcessorConfig": self.processor_config()},
            **self._render_distributed(),
        }
        return statements_for_state(fragment)
