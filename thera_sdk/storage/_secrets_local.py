"""The local secrets adapter: an environment variable, else an owner-only JSON file.

For the secret ``thera/dev/apollo`` it reads ``THERA_SECRET_THERA_DEV_APOLLO`` (the name
upper-cased, every other character than letters and digits turned into ``_``), else the file
``<directory>/thera/dev/apollo.json``. A file that its group or others may read (or that another
user owns) is refused: ``chmod 600`` it.
"""

from __future__ import annotations

import os
import re
import stat
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from thera_sdk._exceptions import AccessDeniedError, SecretNotFoundError, TheraError
from thera_sdk.storage._files import fsync_directory, new_temp_path
from thera_sdk.storage._secrets import SecretStore, parse_secret

__all__ = ["LocalSecretStore", "secret_env_var"]


def secret_env_var(name: str) -> str:
    """The environment variable that may hold a secret.

    Examples
    --------
    >>> secret_env_var("thera/dev/apollo")
    'THERA_SECRET_THERA_DEV_APOLLO'
    """
    return "THERA_SECRET_" + re.sub(r"[^A-Z0-9]", "_", name.upper())


class LocalSecretStore(SecretStore):
    """Secrets from the environment or from files under ``directory``.

    Examples
    --------
    >>> store = LocalSecretStore("/nonexistent", environ={"THERA_SECRET_X": '{"k": 1}'})
    >>> store.get("x")
    {'k': 1}
    """

    def __init__(
        self,
        directory: Path | str,
        *,
        environ: Mapping[str, str] | None = None,
        max_age: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(max_age=max_age, clock=clock)
        self.directory = Path(directory)
        self._environ = os.environ if environ is None else environ

    def path(self, name: str) -> Path:
        """The file that may hold a secret."""
        *folders, last = name.split("/")
        return self.directory.joinpath(*folders, last + ".json")

    def _translate_error(self, exc: Exception, subject: str) -> TheraError | None:
        if isinstance(exc, PermissionError):
            return AccessDeniedError(f"The file system refused to read {subject}.")
        return None

    def _get(self, name: str) -> dict[str, Any]:
        variable = secret_env_var(name)
        if variable in self._environ:
            return parse_secret(name, self._environ[variable])
        path = self.path(name)
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except FileNotFoundError:
            raise SecretNotFoundError(
                f"Secret {name!r} was found neither in ${variable} nor in {path}; set one of "
                "them (the file readable by you only: chmod 600)."
            ) from None
        with os.fdopen(fd, "r", encoding="utf-8") as stream:
            info = os.fstat(stream.fileno())
            if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
                raise AccessDeniedError(
                    f"Secret file {path} can be read by others (mode "
                    f"{stat.filemode(info.st_mode)}); run `chmod 600 {path}` and retry."
                )
            if hasattr(os, "geteuid") and info.st_uid != os.geteuid():
                raise AccessDeniedError(
                    f"Secret file {path} belongs to another user; own it (chown) or move it."
                )
            return parse_secret(name, stream.read())

    def _put(self, name: str, text: str) -> None:
        path = self.path(name)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temp = new_temp_path(path.parent, ".tmp")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as stream:
                stream.write(text)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temp, path)
            fsync_directory(path.parent)
        finally:
            temp.unlink(missing_ok=True)
