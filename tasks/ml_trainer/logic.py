"""Weekly training of the match model from shortlist feedback: pure functions over plain rows.

Feedback
--------
Shortlist events are ``{challenge_id, startup_id, score, action, at}`` (the rows the matcher's
caller logs, ``events/shortlist/date=YYYY-MM-DD/``). A ``(challenge, startup)`` pair is

- **positive** if it has a ``shortlisted`` event,
- **negative** if it was ``shown`` and never shortlisted;

other actions are ignored. A pair is dated by its earliest event.

Features need the challenge itself (its text and the filters asked for), which shortlist events
do not carry. Each challenge is looked up by ``challenge_id`` in the challenge log
(``events/challenges/``: rows ``{challenge_id, text, industry, country, at}``, written when a
challenge is matched); an event may instead carry ``challenge_text`` (and ``industry``,
``country``) itself, which wins. Pairs whose challenge or startup cannot be found (a startup
dropped from the index since) are skipped and counted.

Training
--------
Features come from :func:`thera_sdk.match.feature_matrix`, the very function the matcher uses,
with the cosine recomputed against the current index. The split is by time and by challenge:
challenges are ordered by their first event and the latest ``validation_fraction`` of them form
the validation set, so no challenge is in both sets. The candidate is a scikit-learn
``LogisticRegression`` on standardised features, stored as JSON numbers.

Promotion
---------
The candidate and the current model are scored on the same validation pairs: ROC-AUC, log loss
and precision@20 (per validation challenge, the share of shortlisted pairs among its 20
best-scored shown pairs, or all of them if fewer; averaged over challenges). The candidate is
promoted only if its ROC-AUC beats the current model's by at least ``min_auc_gain`` and its log
loss is not worse. Too little feedback gives ``not_enough_feedback`` and no model at all.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss, roc_auc_score

from thera_sdk.match import (
    FEATURE_NAMES,
    Challenge,
    MatchModel,
    ServingIndex,
    feature_matrix,
)

__all__ = [
    "NEGATIVE_ACTION",
    "POSITIVE_ACTION",
    "ChallengeInfo",
    "Metrics",
    "Pair",
    "TrainerConfig",
    "TrainingOutcome",
    "challenge_infos",
    "decide",
    "evaluate",
    "fit_model",
    "label_pairs",
    "pair_features",
    "parse_time",
    "split_by_time",
    "train",
]

POSITIVE_ACTION = "shortlisted"
NEGATIVE_ACTION = "shown"


@dataclass(frozen=True)
class TrainerConfig:
    """Thresholds of one training run (see ``schemas/ml_trainer_event.json``)."""

    validation_fraction: float = 0.2
    min_pairs: int = 200
    min_positives: int = 20
    min_negatives: int = 20
    min_validation_challenges: int = 3
    min_auc_gain: float = 0.005
    precision_k: int = 20
    regularization: float = 1.0


@dataclass(frozen=True)
class ChallengeInfo:
    """What the features need of a challenge."""

    text: str
    industry: str | None = None
    country: str | None = None


@dataclass(frozen=True)
class Pair:
    """A labelled ``(challenge, startup)`` pair, dated by its first event."""

    challenge_id: str
    startup_id: str
    label: int
    at: dt.datetime


@dataclass(frozen=True)
class Metrics:
    """Validation metrics of one model."""

    roc_auc: float
    log_loss: float
    precision_at_k: float
    k: int = 20

    def to_json(self) -> dict[str, float]:
        """``{"roc_auc", "log_loss", "precision_at_<k>"}`` rounded to 6 places."""
        return {
            "roc_auc": round(self.roc_auc, 6),
            "log_loss": round(self.log_loss, 6),
            f"precision_at_{self.k}": round(self.precision_at_k, 6),
        }


@dataclass(frozen=True)
class TrainingOutcome:
    """What a training run decided, and the candidate model if one was trained."""

    status: str  # "promoted", "not_promoted" or "not_enough_feedback"
    reason: str
    counts: Mapping[str, int]
    candidate: MatchModel | None = None
    candidate_metrics: Metrics | None = None
    current_metrics: Metrics | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def promoted(self) -> bool:
        """Whether the candidate should become the current model."""
        return self.status == "promoted"


def parse_time(value: Any) -> dt.datetime | None:
    """An aware UTC datetime from an ISO 8601 string or a datetime; ``None`` if unusable.

    Examples
    --------
    >>> parse_time("2025-02-03T10:15:00Z")
    datetime.datetime(2025, 2, 3, 10, 15, tzinfo=datetime.timezone.utc)
    """
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    else:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def label_pairs(events: Iterable[Mapping[str, Any]]) -> tuple[list[Pair], int]:
    """Label each ``(challenge, startup)`` pair; return the pairs and how many events were unusable.

    Examples
    --------
    >>> pairs, bad = label_pairs([
    ...     {"challenge_id": "c1", "startup_id": "s1", "action": "shown", "at": "2025-02-01"},
    ...     {"challenge_id": "c1", "startup_id": "s1", "action": "shortlisted",
    ...      "at": "2025-02-02"},
    ...     {"challenge_id": "c1", "startup_id": "s2", "action": "shown", "at": "2025-02-01"}])
    >>> [(p.startup_id, p.label) for p in pairs], bad
    ([('s1', 1), ('s2', 0)], 0)
    """
    first: dict[tuple[str, str], dt.datetime] = {}
    positive: set[tuple[str, str]] = set()
    shown: set[tuple[str, str]] = set()
    unusable = 0
    for event in events:
        challenge, startup = _text(event.get("challenge_id")), _text(event.get("startup_id"))
        moment, action = parse_time(event.get("at")), event.get("action")
        if challenge is None or startup is None or moment is None:
            unusable += 1
            continue
        if action not in (POSITIVE_ACTION, NEGATIVE_ACTION):
            continue
        key = (challenge, startup)
        first[key] = min(moment, first.get(key, moment))
        (positive if action == POSITIVE_ACTION else shown).add(key)
    pairs = [
        Pair(key[0], key[1], 1 if key in positive else 0, first[key])
        for key in sorted(positive | shown)
    ]
    return pairs, unusable


def challenge_infos(
    challenge_rows: Iterable[Mapping[str, Any]], events: Iterable[Mapping[str, Any]] = ()
) -> dict[str, ChallengeInfo]:
    """Challenge text and filters by id: from the challenge log, overridden by text on events.

    Examples
    --------
    >>> challenge_infos([{"challenge_id": "c1", "text": "card fraud", "industry": "Fintech"}])
    {'c1': ChallengeInfo(text='card fraud', industry='Fintech', country=None)}
    """
    infos: dict[str, ChallengeInfo] = {}
    for row, text_field in [(r, "text") for r in challenge_rows] + [
        (e, "challenge_text") for e in events
    ]:
        challenge, text = _text(row.get("challenge_id")), _text(row.get(text_field))
        if challenge is not None and text is not None:
            infos[challenge] = ChallengeInfo(
                text, _text(row.get("industry")), _text(row.get("country"))
            )
    return infos


def split_by_time(pairs: Sequence[Pair], fraction: float) -> tuple[list[Pair], list[Pair]]:
    """Train and validation pairs: the challenges seen last go to validation, whole.

    Examples
    --------
    >>> day = lambda d: dt.datetime(2025, 2, d, tzinfo=dt.UTC)
    >>> train, valid = split_by_time([Pair("a", "s", 1, day(1)), Pair("b", "s", 0, day(2))], 0.5)
    >>> [p.challenge_id for p in train], [p.challenge_id for p in valid]
    (['a'], ['b'])
    """
    started: dict[str, dt.datetime] = {}
    for pair in pairs:
        started[pair.challenge_id] = min(pair.at, started.get(pair.challenge_id, pair.at))
    order = sorted(started, key=lambda c: (started[c], c))
    count = min(len(order) - 1, max(1, round(fraction * len(order)))) if len(order) > 1 else 0
    validation = set(order[len(order) - count :]) if count else set()
    train = [p for p in pairs if p.challenge_id not in validation]
    valid = [p for p in pairs if p.challenge_id in validation]
    return train, valid


def pair_features(
    pairs: Sequence[Pair], challenges: Mapping[str, ChallengeInfo], index: ServingIndex
) -> tuple[np.ndarray, np.ndarray, list[str], list[Pair]]:
    """Features, labels and challenge ids of the pairs found in ``challenges`` and the index.

    The cosine is recomputed with the index's embedder, so features match what the matcher
    would compute for the same challenge today; the age feature uses the pair's own year.

    Examples
    --------
    >>> x, y, groups, kept = pair_features(pairs, infos, index)  # doctest: +SKIP
    >>> x.shape, y.tolist()  # doctest: +SKIP
    ((1, 8), [1])
    """
    rows_by_group: dict[tuple[str, int], list[tuple[int, Pair]]] = {}
    for pair in pairs:
        row = index.companies.row_of(pair.startup_id)
        if pair.challenge_id in challenges and row is not None:
            rows_by_group.setdefault((pair.challenge_id, pair.at.year), []).append((row, pair))
    blocks: list[np.ndarray] = []
    labels: list[int] = []
    groups: list[str] = []
    kept: list[Pair] = []
    queries: dict[str, np.ndarray] = {}
    for (challenge_id, year), members in rows_by_group.items():
        info = challenges[challenge_id]
        if challenge_id not in queries:
            queries[challenge_id] = index.embed_query(info.text)
        rows = np.array([row for row, _ in members], dtype=np.int64)
        cosines = index.vectors[rows] @ queries[challenge_id]
        challenge = Challenge(info.text, info.industry, info.country)
        blocks.append(feature_matrix(challenge, index.companies, rows, cosines, as_of_year=year))
        for _, pair in members:
            labels.append(pair.label)
            groups.append(challenge_id)
            kept.append(pair)
    matrix = np.vstack(blocks) if blocks else np.zeros((0, len(FEATURE_NAMES)))
    return matrix, np.array(labels, dtype=np.int64), groups, kept


def fit_model(
    features: np.ndarray,
    labels: np.ndarray,
    *,
    version: str,
    trained_at: str,
    regularization: float = 1.0,
) -> MatchModel:
    """Fit a logistic regression on standardised features and return it as a :class:`MatchModel`.

    Examples
    --------
    >>> x = np.array([[0.1] + [0] * 7, [0.2] + [0] * 7, [0.8] + [0] * 7, [0.9] + [0] * 7])
    >>> model = fit_model(x, np.array([0, 0, 1, 1]), version="v1", trained_at="2025-02-03")
    >>> model.coefficients[0] > 0
    True
    """
    means = features.mean(axis=0)
    stds = features.std(axis=0)
    stds = np.where(stds > 1e-9, stds, 1.0)  # a constant feature keeps weight 0
    estimator = LogisticRegression(C=regularization, max_iter=1000)
    estimator.fit((features - means) / stds, labels)
    return MatchModel(
        feature_names=FEATURE_NAMES,
        coefficients=tuple(float(v) for v in estimator.coef_[0]),
        intercept=float(estimator.intercept_[0]),
        means=tuple(float(v) for v in means),
        stds=tuple(float(v) for v in stds),
        version=version,
        trained_at=trained_at,
    )


def _precision_at_k(scores: np.ndarray, labels: np.ndarray, groups: Sequence[str], k: int) -> float:
    by_group: dict[str, list[int]] = {}
    for position, group in enumerate(groups):
        by_group.setdefault(group, []).append(position)
    values = []
    for positions in by_group.values():
        members = np.array(positions)
        order = np.lexsort((members, -scores[members]))[:k]  # ties: earlier pair first
        values.append(float(labels[members[order]].mean()))
    return float(np.mean(values)) if values else math.nan


def evaluate(
    model: MatchModel, features: np.ndarray, labels: np.ndarray, groups: Sequence[str], k: int = 20
) -> Metrics:
    """ROC-AUC, log loss and precision@k of ``model`` on labelled pairs.

    Examples
    --------
    >>> from thera_sdk.match import DEFAULT_MODEL
    >>> x = np.zeros((2, 8)); x[1, 0] = 0.9
    >>> evaluate(DEFAULT_MODEL, x, np.array([0, 1]), ["c", "c"], k=1).roc_auc
    1.0
    """
    probabilities = np.clip(model.predict(features), 1e-12, 1 - 1e-12)
    return Metrics(
        roc_auc=float(roc_auc_score(labels, probabilities)),
        log_loss=float(log_loss(labels, probabilities, labels=[0, 1])),
        precision_at_k=_precision_at_k(probabilities, labels, groups, k),
        k=k,
    )


def decide(candidate: Metrics, current: Metrics, min_auc_gain: float) -> tuple[bool, str]:
    """Whether to promote the candidate, and why.

    Examples
    --------
    >>> decide(Metrics(0.80, 0.40, 0.3), Metrics(0.70, 0.60, 0.2), 0.005)[0]
    True
    """
    gain = candidate.roc_auc - current.roc_auc
    if gain < min_auc_gain:
        return False, (
            f"ROC-AUC {candidate.roc_auc:.4f} vs current {current.roc_auc:.4f}: gain "
            f"{gain:+.4f} is below the required {min_auc_gain:.4f}; the current model stays."
        )
    if candidate.log_loss > current.log_loss:
        return False, (
            f"ROC-AUC improves by {gain:+.4f} but log loss worsens ({candidate.log_loss:.4f} vs "
            f"{current.log_loss:.4f}); the current model stays."
        )
    return True, (
        f"ROC-AUC {candidate.roc_auc:.4f} beats current {current.roc_auc:.4f} and log loss "
        f"{candidate.log_loss:.4f} is not worse than {current.log_loss:.4f}."
    )


def _shortage(
    config: TrainerConfig, train: Sequence[Pair], valid: Sequence[Pair], pairs: int
) -> str | None:
    needs = []
    positives = sum(p.label for p in train)
    if pairs < config.min_pairs:
        needs.append(f"{pairs} usable pairs (need {config.min_pairs})")
    if positives < config.min_positives:
        needs.append(f"{positives} shortlisted training pairs (need {config.min_positives})")
    if len(train) - positives < config.min_negatives:
        needs.append(
            f"{len(train) - positives} shown-only training pairs (need {config.min_negatives})"
        )
    challenges = len({p.challenge_id for p in valid})
    if challenges < config.min_validation_challenges:
        needs.append(
            f"{challenges} validation challenges (need {config.min_validation_challenges})"
        )
    if len({p.label for p in valid}) < 2:
        needs.append("validation pairs of both kinds (shortlisted and shown-only)")
    if not needs:
        return None
    return "Not enough feedback: " + "; ".join(needs) + ". Collect more shortlist feedback."


def train(
    events: Sequence[Mapping[str, Any]],
    challenges: Mapping[str, ChallengeInfo],
    index: Callable[[], ServingIndex],
    current: MatchModel,
    *,
    config: TrainerConfig,
    now: dt.datetime,
) -> TrainingOutcome:
    """Label, featurise, split, fit, evaluate and decide: one training run without I/O.

    ``index`` is called only when there are enough pairs to be worth featurising, so a run with
    no feedback needs no index.

    Examples
    --------
    >>> outcome = train(events, infos, index, DEFAULT_MODEL, config=TrainerConfig(),
    ...                 now=dt.datetime.now(dt.UTC))  # doctest: +SKIP
    >>> outcome.status  # doctest: +SKIP
    'promoted'
    """
    pairs, unusable = label_pairs(events)
    if len(pairs) < config.min_pairs:  # not worth loading the index
        positives = sum(p.label for p in pairs)
        counts = {
            "events": len(events), "unusable_events": unusable, "pairs": len(pairs),
            "skipped_pairs": 0, "positives": positives, "negatives": len(pairs) - positives,
            "train_pairs": 0, "validation_pairs": 0, "validation_challenges": 0,
        }  # fmt: skip
        reason = (
            f"Not enough feedback: {len(pairs)} labelled pairs (need {config.min_pairs}). "
            "Collect more shortlist feedback."
        )
        return TrainingOutcome("not_enough_feedback", reason, counts)
    x_all, y_all, groups_all, kept = pair_features(pairs, challenges, index())
    train_pairs, valid_pairs = split_by_time(kept, config.validation_fraction)
    counts = {
        "events": len(events),
        "unusable_events": unusable,
        "pairs": len(pairs),
        "skipped_pairs": len(pairs) - len(kept),
        "positives": int(y_all.sum()),
        "negatives": int(len(kept) - y_all.sum()),
        "train_pairs": len(train_pairs),
        "validation_pairs": len(valid_pairs),
        "validation_challenges": len({p.challenge_id for p in valid_pairs}),
    }
    shortage = _shortage(config, train_pairs, valid_pairs, len(kept))
    if shortage:
        return TrainingOutcome("not_enough_feedback", shortage, counts)
    valid_ids = {p.challenge_id for p in valid_pairs}
    in_valid = np.array([p.challenge_id in valid_ids for p in kept], dtype=bool)
    version = now.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    candidate = fit_model(
        x_all[~in_valid],
        y_all[~in_valid],
        version=version,
        trained_at=now.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        regularization=config.regularization,
    )
    valid_groups = [g for g, v in zip(groups_all, in_valid, strict=True) if v]
    x_valid, y_valid = x_all[in_valid], y_all[in_valid]
    new = evaluate(candidate, x_valid, y_valid, valid_groups, config.precision_k)
    old = evaluate(current, x_valid, y_valid, valid_groups, config.precision_k)
    promote, reason = decide(new, old, config.min_auc_gain)
    candidate = replace(
        candidate,
        metrics={
            "validation": new.to_json(),
            "current_on_validation": {"version": current.version, **old.to_json()},
            "promoted": promote,
            **counts,
        },
    )
    return TrainingOutcome(
        "promoted" if promote else "not_promoted", reason, counts, candidate, new, old
    )
