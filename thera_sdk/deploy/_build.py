"""``thera build``: compile the workflows, render the stack and the DDL, optionally package.

Layout of the output folder (``build/`` by default)::

    asl/<workflow>.json              the compiled definitions, as deployed and as run locally
    cloudformation/thera.json        the whole stack (cloudformation/base.json + generated parts)
    sql/ddl/<table>.sql              Athena DDL of every dataset
    lambda/thera-functions.zip       with ``package=True``: the functions' code
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from thera_sdk.deploy._datasets import DATASETS
from thera_sdk.deploy._ddl import ddl
from thera_sdk.deploy._package import PackageInfo, build_zip, source_root
from thera_sdk.deploy._template import (
    CLOUDFORMATION_DIR,
    STACK_TEMPLATE,
    render_template,
    template_json,
)
from thera_sdk.deploy._workflows import Workflow, load_workflows

__all__ = ["BuildResult", "build", "checked_in_files", "rendered_files", "stale_ddl_files"]

ZIP_NAME = "thera-functions.zip"


@dataclass
class BuildResult:
    """What a build wrote."""

    out: Path
    files: list[Path] = field(default_factory=list)
    package: PackageInfo | None = None

    @property
    def template(self) -> Path:
        """The rendered stack template."""
        return self.out / "cloudformation" / STACK_TEMPLATE


def rendered_files(workflows: Sequence[Workflow]) -> dict[str, str]:
    """Every generated text file, by path relative to the output folder."""
    files = {f"asl/{w.name}.json": json.dumps(w.compile(), indent=2) + "\n" for w in workflows}
    files[f"cloudformation/{STACK_TEMPLATE}"] = template_json(render_template(workflows))
    for entry in DATASETS:
        files[f"sql/ddl/{entry.name}.sql"] = ddl(entry)
    return files


def checked_in_files(workflows: Sequence[Workflow]) -> dict[Path, str]:
    """The generated files kept in the repository, by absolute path, and their content.

    The rendered stack sits in ``cloudformation/`` so that linters and scanners see what is
    deployed; the DDL sits in ``sql/ddl/``.
    """
    rendered = rendered_files(workflows)
    files = {CLOUDFORMATION_DIR / STACK_TEMPLATE: rendered[f"cloudformation/{STACK_TEMPLATE}"]}
    for name, text in rendered.items():
        if name.startswith("sql/ddl/"):
            files[source_root() / name] = text
    return files


def stale_ddl_files(files: dict[Path, str]) -> list[Path]:
    """Checked-in DDL files no dataset renders any more."""
    folder = source_root() / "sql" / "ddl"
    return sorted(p for p in folder.glob("*.sql") if p not in files)


def build(
    out: Path,
    *,
    workflows: Sequence[Workflow] | None = None,
    package: bool = False,
    dependencies: Path | None = None,
    update_checked_in: bool = False,
) -> BuildResult:
    """Write the build outputs under ``out`` (see the module docstring).

    ``dependencies`` is a folder of packages installed for Lambda (``pip install --target``)
    to add to the zip. ``update_checked_in`` also refreshes ``cloudformation/thera.json`` and
    ``sql/ddl/`` in the checkout.

    Examples
    --------
    >>> result = build(Path("build"))  # doctest: +SKIP
    >>> result.template  # doctest: +SKIP
    PosixPath('build/cloudformation/thera.json')
    """
    workflows = load_workflows() if workflows is None else workflows
    if not workflows:
        raise ValueError(
            "No workflow to build: workflows/daily.py and workflows/weekly_training.py are "
            "missing; add them (each with NAME and build())."
        )
    result = BuildResult(out)
    for name, text in rendered_files(workflows).items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        result.files.append(path)
    if update_checked_in:
        files = checked_in_files(workflows)
        for path in stale_ddl_files(files):  # a dataset that was renamed or removed
            path.unlink()
        for path, text in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            result.files.append(path)
    if package:
        result.package = build_zip(out / "lambda" / ZIP_NAME, dependencies=dependencies)
        result.files.append(result.package.path)
    return result
