"""Relevance of the matcher against plain BM25, through the product's own commands.

Runs ``thera import``, ``thera run daily --no-web`` and ``thera match --json`` in a fresh data
home over a labelled set (companies, challenges with graded relevance), and prints nDCG@20 for
the matcher and for an Okapi BM25 (k1 1.5, b 0.75) over the same company texts.

    python benchmarks/relevance.py                       # the bundled evaluation set
    python benchmarks/relevance.py --distractors 2000    # plus generated look-alike startups
    python benchmarks/relevance.py --companies C.jsonl --challenges Q.jsonl

Companies are JSONL in the import format; challenges are JSONL
``{"id", "text", "relevant": {company_id: grade}}`` (optionally ``industry``).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "tests" / "unit" / "embed" / "data"
_WORD = re.compile(r"[a-z0-9]+")


def ndcg_at(ranked: list[str], relevant: dict[str, int], k: int = 20) -> float:
    gains = [relevant.get(doc, 0) for doc in ranked[:k]]
    dcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains))
    ideal = sorted(relevant.values(), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


class BM25:
    def __init__(self, docs: list[str], k1: float = 1.5, b: float = 0.75) -> None:
        self.tokens = [_WORD.findall(d.lower()) for d in docs]
        self.lengths = [len(t) for t in self.tokens]
        self.avg = sum(self.lengths) / max(1, len(self.lengths))
        self.tf = [Counter(t) for t in self.tokens]
        df = Counter(w for t in self.tokens for w in set(t))
        n = len(docs)
        self.idf = {w: math.log(1 + (n - f + 0.5) / (f + 0.5)) for w, f in df.items()}
        self.k1, self.b = k1, b

    def rank(self, query: str) -> list[int]:
        words = _WORD.findall(query.lower())
        scores = []
        for i, tf in enumerate(self.tf):
            norm = self.k1 * (1 - self.b + self.b * self.lengths[i] / self.avg)
            scores.append(sum(self.idf.get(w, 0.0) * tf[w] * (self.k1 + 1) / (tf[w] + norm)
                              for w in words if w in tf))
        return sorted(range(len(scores)), key=lambda i: (-scores[i], i))


def _thera(home: Path, *args: str) -> str:
    env = {**os.environ, "THERA_HOME": str(home)}
    done = subprocess.run(["thera", *args], env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"thera {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=Path, default=DATA / "companies.jsonl")
    parser.add_argument("--challenges", type=Path, default=DATA / "challenges.jsonl")
    parser.add_argument("--distractors", type=int, default=0,
                        help="add this many generated look-alike startups (never relevant)")
    args = parser.parse_args()

    companies = [json.loads(line) for line in args.companies.read_text().splitlines() if line]
    challenges = [json.loads(line) for line in args.challenges.read_text().splitlines() if line]
    if args.distractors:
        from thera_sdk.demo import sample_startups

        for s in sample_startups(args.distractors, seed=11):
            companies.append({"id": s.id, "name": s.name, "domain": s.domain,
                              "description": s.description, "industry": s.industry,
                              "country": s.country, "keywords": s.keywords.split(";")})
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        source = Path(tmp) / "companies.jsonl"
        source.write_text("".join(json.dumps(c) + "\n" for c in companies))
        started = time.perf_counter()
        _thera(home, "import", str(source), "--json")
        _thera(home, "run", "daily", "--no-web", "--json")
        built = time.perf_counter() - started
        ours, took = [], []
        for challenge in challenges:
            t0 = time.perf_counter()
            out = json.loads(_thera(home, "match", challenge["text"], "--json", "--limit", "20"))
            took.append(time.perf_counter() - t0)
            ours.append(ndcg_at([r["startup_id"] for r in out], challenge["relevant"]))
    ids = [str(c["id"]) for c in companies]
    texts = [" ".join([c.get("name") or "", c.get("industry") or "", c.get("description") or "",
                       " ".join(c.get("keywords") or [])]) for c in companies]
    bm25 = BM25(texts)
    base = [ndcg_at([ids[i] for i in bm25.rank(ch["text"])[:20]], ch["relevant"])
            for ch in challenges]
    mean_ours, mean_base = sum(ours) / len(ours), sum(base) / len(base)
    print(f"companies {len(companies)}, challenges {len(challenges)}; "
          f"import + daily run {built:.1f} s; thera match {sorted(took)[len(took) // 2]:.2f} s "
          "median (process start included)")
    print(f"nDCG@20  matcher {mean_ours:.3f}   BM25 {mean_base:.3f}   "
          f"ratio {mean_ours / mean_base:.3f}")


if __name__ == "__main__":
    main()
