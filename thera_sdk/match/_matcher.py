"""The matcher: a warm process keeps the index and the model in memory and answers challenges.

One :class:`Matcher` per process (see :func:`default_matcher`) holds the current index and model,
each reloaded only when its ``current.json`` pointer names a new version.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable

from thera_sdk._config import Settings
from thera_sdk.match._cache import DEFAULT_REFRESH_SECONDS, VersionedCache
from thera_sdk.match._features import Challenge
from thera_sdk.match._index import ServingIndex, current_index_version, load_index
from thera_sdk.match._model import DEFAULT_MODEL, MatchModel
from thera_sdk.match._model_store import current_model_version, load_model
from thera_sdk.match._rank import RERANK_POOL, rank
from thera_sdk.match._records import DEFAULT_LIMIT, MatchRequest, MatchResponse, MatchResult
from thera_sdk.match._schemas import validate_event
from thera_sdk.storage import LocalObjectStore, ObjectStore, S3ObjectStore

__all__ = ["INDEX_BUCKET", "MODEL_BUCKET", "Matcher", "default_matcher", "match"]

INDEX_BUCKET = "gold"  # logical bucket of the matcher index (THERA_BUCKET_GOLD renames it)
MODEL_BUCKET = "gold"  # logical bucket of models/match_lr/


def _utc_today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


class Matcher:
    """Answers challenges from the matcher index in ``index_bucket``.

    Parameters
    ----------
    objects
        The objects port holding the index and the models.
    index_bucket, model_bucket
        Physical bucket names (the model bucket defaults to the index bucket).
    refresh_seconds
        How often at most the ``current.json`` pointers are read again.
    pool
        How many of the most similar companies the model re-ranks.
    clock, today
        Monotonic seconds and the current date (injected for tests).

    Examples
    --------
    >>> matcher = Matcher(LocalObjectStore(".thera/objects"),
    ...                   index_bucket="thera-dev-gold")  # doctest: +SKIP
    >>> matcher.match("card fraud at checkout", industry="Fintech")[0].name  # doctest: +SKIP
    'Acme Risk'
    """

    def __init__(
        self,
        objects: ObjectStore,
        *,
        index_bucket: str,
        model_bucket: str | None = None,
        refresh_seconds: float = DEFAULT_REFRESH_SECONDS,
        pool: int = RERANK_POOL,
        clock: Callable[[], float] = time.monotonic,
        today: Callable[[], dt.date] = _utc_today,
    ) -> None:
        self.objects = objects
        self.index_bucket = index_bucket
        self.model_bucket = model_bucket or index_bucket
        self.pool = pool
        self._today = today
        self._index: VersionedCache[str, ServingIndex] = VersionedCache(
            lambda: current_index_version(objects, index_bucket),
            lambda version: load_index(objects, index_bucket, version),
            refresh_seconds=refresh_seconds,
            clock=clock,
        )
        model_bucket = self.model_bucket
        self._model: VersionedCache[str | None, MatchModel] = VersionedCache(
            lambda: current_model_version(objects, model_bucket),
            lambda version: (
                DEFAULT_MODEL if version is None else load_model(objects, model_bucket, version)
            ),
            refresh_seconds=refresh_seconds,
            clock=clock,
        )

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> Matcher:
        """A matcher over the objects port and ``gold`` bucket of ``settings`` (default: env).

        Examples
        --------
        >>> Matcher.from_settings(Settings(home=Path(tmp))).index_bucket  # doctest: +SKIP
        'thera-dev-gold'
        """
        settings = settings or Settings.from_env()
        objects: ObjectStore
        if settings.backend == "local":
            objects = LocalObjectStore(settings.home / "objects")
        else:
            from thera_sdk.storage._aws import make_client

            client = make_client("s3", region=settings.region, endpoint_url=settings.endpoint_url)
            objects = S3ObjectStore(client)
        return cls(
            objects,
            index_bucket=settings.bucket_name(INDEX_BUCKET),
            model_bucket=settings.bucket_name(MODEL_BUCKET),
        )

    def index(self) -> ServingIndex:
        """The current index (loaded once, reloaded when ``current.json`` changes)."""
        return self._index.get()

    def model(self) -> MatchModel:
        """The current model, or the default model while none has been promoted."""
        return self._model.get()

    def run(self, request: MatchRequest) -> MatchResponse:
        """Answer a checked request.

        Examples
        --------
        >>> matcher.run(MatchRequest.build("card fraud")).index_version  # doctest: +SKIP
        '20250203T020000Z'
        """
        index, model = self.index(), self.model()
        challenge = Challenge(request.text, request.industry, request.country)
        ranking = rank(
            index,
            model,
            challenge,
            index.embed_query(request.text),
            limit=request.limit,
            as_of_year=self._today().year,
            pool=self.pool,
        )
        response = MatchResponse(
            ranking.results, index.version, model.version, ranking.candidates
        )
        validate_event(response.to_json(), "match_response", what="The matcher's response")
        return response

    def match(
        self,
        text: str | bytes,
        industry: str | None = None,
        country: str | None = None,
        limit: int = DEFAULT_LIMIT,
    ) -> list[MatchResult]:
        """The best startups for a challenge; see :func:`match`."""
        return list(self.run(MatchRequest.build(text, industry, country, limit)).results)


_DEFAULT: tuple[Settings, Matcher] | None = None
_DEFAULT_LOCK = threading.Lock()


def default_matcher() -> Matcher:
    """The process-wide matcher for the current ``THERA_*`` settings (rebuilt if they change).

    Examples
    --------
    >>> default_matcher() is default_matcher()  # doctest: +SKIP
    True
    """
    global _DEFAULT
    settings = Settings.from_env()
    with _DEFAULT_LOCK:
        if _DEFAULT is None or _DEFAULT[0] != settings:
            _DEFAULT = (settings, Matcher.from_settings(settings))
        return _DEFAULT[1]


def match(
    text: str | bytes,
    industry: str | None = None,
    country: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> list[MatchResult]:
    """The startups that best fit a challenge, best first, each with a score and reasons.

    The challenge is embedded with the index's own embedder, the companies filtered by
    ``industry`` and ``country`` (exact, ignoring case; an unknown value gives no results),
    scored by exact cosine similarity, and the best few hundred re-ranked by the match model.

    Parameters
    ----------
    text
        The challenge: 1 to 20,000 characters of text (bytes must be UTF-8).
    industry, country
        Optional filters.
    limit
        How many results, 1 to 100.

    Returns
    -------
    list of MatchResult
        ``startup_id``, ``name``, ``score`` (0-1), ``similarity`` (cosine) and ``reasons``.

    Raises
    ------
    ValidationError
        Empty, oversized, binary or non-UTF-8 text, or a bad filter or limit.
    IndexNotFoundError
        No matcher index has been built yet.

    Examples
    --------
    >>> from thera_sdk.match import match
    >>> for result in match("Our bank loses money to card-not-present fraud",
    ...                     industry="Fintech", limit=3):  # doctest: +SKIP
    ...     print(result.name, round(result.score, 2), result.reasons[0])
    Acme Risk 0.91 describes real-time transaction fraud scoring for card issuers
    """
    return default_matcher().match(text, industry, country, limit)
