"""Package the task functions: one zip with the code and the dependencies Lambda lacks.

All functions share the zip; each runs its own handler. What is left out, and where it comes from
on Lambda:

* ``boto3``/``botocore``: the Lambda Python runtime ships them.
* ``pyarrow`` and ``numpy``: too big to fit a 250 MB function beside the rest; they come from the
  AWS SDK for pandas managed layer (``AWSSDKPandas-Python312``), whose ARN the stack takes as the
  ``DependenciesLayerArn`` parameter (https://aws-sdk-pandas.readthedocs.io/en/stable/layers.html).
* ``duckdb``, ``trustme``, ``rich``, ``click``, ``aioboto3``: local engine, tests, CLI and the
  async client only; no handler imports them.
* ``scikit-learn``: only the weekly trainer needs it, and with ``scipy`` it does not fit beside
  pyarrow in the zip size limit; see :data:`TRAINER_ONLY`.

The zip is reproducible (sorted entries, fixed timestamps), so its SHA-256 names it in S3 and a
code change, and only a code change, updates the functions.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "CODE_DIRS",
    "EXCLUDED",
    "LAMBDA_UNZIPPED_LIMIT",
    "PackageInfo",
    "build_zip",
    "install_dependencies",
    "lambda_requirements",
    "source_root",
]

CODE_DIRS: tuple[str, ...] = ("thera_sdk", "tasks", "workflows", "schemas", "sql")
RUNTIME_PROVIDED = frozenset({"boto3", "botocore"})
FROM_LAYER = frozenset({"pyarrow", "numpy"})
LOCAL_ONLY = frozenset({"duckdb", "trustme", "rich", "click", "aioboto3"})
TRAINER_ONLY = frozenset({"scikit-learn"})
EXCLUDED = RUNTIME_PROVIDED | FROM_LAYER | LOCAL_ONLY | TRAINER_ONLY
LAMBDA_UNZIPPED_LIMIT = 250 * 1024 * 1024  # function code plus all its layers, unzipped
_SKIP_PARTS = frozenset({"__pycache__", ".mypy_cache", ".pytest_cache"})
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def source_root() -> Path:
    """The checkout holding ``thera_sdk/``, ``tasks/``, ``workflows/``, ``schemas/``, ``sql/``."""
    return Path(__file__).resolve().parents[2]


def _name(requirement: str) -> str:
    match = re.match(r"[A-Za-z0-9._-]+", requirement)
    if not match:
        raise ValueError(f"Cannot read a package name from requirement {requirement!r}.")
    return re.sub(r"[-_.]+", "-", match.group()).lower()


def lambda_requirements(
    distribution: str = "thera", exclude: Iterable[str] = EXCLUDED
) -> list[str]:
    """The distribution's runtime requirements that go into the zip (no extras, no exclusions).

    Examples
    --------
    >>> "httpx>=0.27" in lambda_requirements()  # doctest: +SKIP
    True
    """
    excluded = {_name(name) for name in exclude}
    kept = []
    for requirement in importlib.metadata.requires(distribution) or []:
        if "extra ==" in requirement:
            continue
        if _name(requirement) not in excluded:
            kept.append(requirement.split(";")[0].strip())
    return kept


def install_dependencies(
    target: Path,
    requirements: Sequence[str],
    *,
    python_version: str = "3.12",
    platform: str = "manylinux2014_x86_64",
) -> None:
    """``pip install`` wheels for the Lambda platform into ``target`` (binary wheels only).

    Raises
    ------
    RuntimeError
        When pip fails; the message carries pip's output.
    """
    command = [
        sys.executable, "-m", "pip", "install", "--quiet", "--target", str(target),
        "--platform", platform, "--implementation", "cp", "--python-version", python_version,
        "--only-binary=:all:", "--upgrade", *requirements,
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(
            f"pip could not install the Lambda dependencies (exit {done.returncode}); check the "
            f"network or the package index, then retry:\n{done.stderr.strip()[-2000:]}"
        )


@dataclass(frozen=True)
class PackageInfo:
    """A built zip: where it is, its SHA-256, and its size zipped and unzipped."""

    path: Path
    sha256: str
    size: int
    unzipped_size: int

    @property
    def key(self) -> str:
        """A content-addressed S3 key for the zip."""
        return f"lambda/thera-functions-{self.sha256[:16]}.zip"


def _files(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not _SKIP_PARTS & set(path.parts) and path.suffix != ".pyc":
            yield path


def _add(archive: zipfile.ZipFile, path: Path, name: str) -> int:
    info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
    info.external_attr = 0o644 << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    data = path.read_bytes()
    archive.writestr(info, data, compresslevel=9)
    return len(data)


def build_zip(
    out: Path,
    *,
    root: Path | None = None,
    dependencies: Path | None = None,
    layer_allowance: int = 0,
) -> PackageInfo:
    """Write the functions' zip to ``out``: the code folders, then ``dependencies``' content.

    ``layer_allowance`` is the unzipped size of the layers the functions also load; together
    they must stay under Lambda's 250 MB.

    Raises
    ------
    ValueError
        When the zip would not fit in Lambda's unzipped size limit.
    """
    root = root or source_root()
    missing = [name for name in CODE_DIRS if not (root / name).is_dir()]
    if missing:
        raise FileNotFoundError(f"{root} has no {', '.join(missing)}: package from a checkout.")
    out.parent.mkdir(parents=True, exist_ok=True)
    total = 0
    with zipfile.ZipFile(out, "w") as archive:
        for name in CODE_DIRS:
            for path in _files(root / name):
                total += _add(archive, path, path.relative_to(root).as_posix())
        if dependencies is not None:
            for path in _files(dependencies):
                total += _add(archive, path, path.relative_to(dependencies).as_posix())
    if total + layer_allowance > LAMBDA_UNZIPPED_LIMIT:
        out.unlink()
        raise ValueError(
            f"The functions' code is {total / 2**20:.0f} MB unzipped (+ "
            f"{layer_allowance / 2**20:.0f} MB of layers), over Lambda's 250 MB; move big "
            "dependencies to a layer or a container image."
        )
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    return PackageInfo(out, digest, out.stat().st_size, total)
