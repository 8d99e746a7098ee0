"""CCHC relevance on the labelled dev set (../shared/corpus/cchc-dev.jsonl).

Prints precision, recall and F1 of the lexicon classifier and, in the same run, of a naive
baseline ("the text contains 'cải cách hành chính'"), plus throughput. ``--cv`` adds a 5-fold
cross-validation of the scoring parameters (bias, title boost, late factor, long-text length):
they are chosen on four folds and judged on the fifth, so the figure is not a training score.
The lexicon itself was written from the plans' vocabulary and refined after reading dev-set
errors, so even the CV figures are somewhat optimistic for unseen sources.

    /work/venv/bin/python bench/relevance_bench.py [--json] [--cv]
"""

from __future__ import annotations

import argparse
import copy
import itertools
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import yaml

from cchc.vntext import fold
from monitor.lexicon import Lexicon
from monitor.relevance import RelevanceClassifier

DEV = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "cchc-dev.jsonl"
GRID = {
    "bias": (-3.6, -3.2, -2.8),
    "title_boost": (1.3, 1.6, 2.0),
    "late_factor": (0.45, 0.6),
    "long_words": (250, 350),
}
Row = dict[str, object]


def prf(predictions: Sequence[bool], labels: Sequence[bool]) -> dict[str, float]:
    tp = fp = fn = 0
    for predicted, actual in zip(predictions, labels, strict=True):
        tp += predicted and actual
        fp += predicted and not actual
        fn += actual and not predicted
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn}


def baseline(row: Row) -> bool:
    return "cai cach hanh chinh" in fold(f"{row['title']} {row['text']}")


def classifier_for(params: dict[str, float]) -> RelevanceClassifier:
    data = yaml.safe_load(
        (Path(__file__).resolve().parents[1] / "monitor" / "lexicon_cchc.yaml").read_text("utf-8")
    )
    data = copy.deepcopy(data)
    data["scoring"].update(params)
    return RelevanceClassifier(lexicon=Lexicon.from_mapping(data))


def cross_validate(rows: Sequence[Row], folds: int = 5) -> dict[str, float]:
    """Stratified k-fold: pick the grid point with the best training F1, judge it on the fold."""
    candidates = [dict(zip(GRID, values)) for values in itertools.product(*GRID.values())]
    classifiers = [classifier_for(params) for params in candidates]
    decisions = [[c.classify(r["title"], r["text"]).cchc for r in rows] for c in classifiers]
    labels = [bool(r["cchc"]) for r in rows]
    positives = [i for i, r in enumerate(rows) if r["cchc"]]
    negatives = [i for i, r in enumerate(rows) if not r["cchc"]]
    fold_of = {i: n % folds for n, i in enumerate(positives)}
    fold_of.update({i: n % folds for n, i in enumerate(negatives)})
    pooled: dict[int, bool] = {}
    for fold_number in range(folds):
        train = [i for i in range(len(rows)) if fold_of[i] != fold_number]
        train_labels = [labels[i] for i in train]
        best = max(
            range(len(candidates)),
            key=lambda c: prf([decisions[c][i] for i in train], train_labels)["f1"],
        )
        for i in range(len(rows)):
            if fold_of[i] == fold_number:
                pooled[i] = decisions[best][i]
    return prf([pooled[i] for i in range(len(rows))], labels)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object of metrics")
    parser.add_argument("--cv", action="store_true", help="add 5-fold cross-validated figures")
    args = parser.parse_args(argv)
    if not DEV.is_file():
        print(f"dev set not found at {DEV}; it is read from ../shared/corpus", file=sys.stderr)
        return 2
    rows: list[Row] = [json.loads(line) for line in DEV.open(encoding="utf-8")]
    classifier = RelevanceClassifier()
    started = time.perf_counter()
    predicted = [classifier.classify(r["title"], r["text"]).cchc for r in rows]
    elapsed = time.perf_counter() - started
    labels = [bool(r["cchc"]) for r in rows]
    ours = prf(predicted, labels)
    clear_ix = [i for i, r in enumerate(rows) if r["confidence"] == "clear"]
    clear = prf([predicted[i] for i in clear_ix], [labels[i] for i in clear_ix])
    naive = prf([baseline(r) for r in rows], labels)
    metrics = {
        "cchc_precision": round(ours["precision"], 4),
        "cchc_recall": round(ours["recall"], 4),
        "cchc_f1": round(ours["f1"], 4),
        "cchc_clear_precision": round(clear["precision"], 4),
        "cchc_clear_recall": round(clear["recall"], 4),
        "cchc_baseline_precision": round(naive["precision"], 4),
        "cchc_baseline_recall": round(naive["recall"], 4),
        "cchc_baseline_f1": round(naive["f1"], 4),
        "cchc_f1_ratio_to_baseline": round(ours["f1"] / naive["f1"], 2) if naive["f1"] else None,
        "cchc_articles_per_s": round(len(rows) / elapsed, 1),
        "cchc_items": len(rows),
    }
    if args.cv:
        cv = cross_validate(rows)
        metrics.update(
            cv_precision=round(cv["precision"], 4),
            cv_recall=round(cv["recall"], 4),
            cv_f1=round(cv["f1"], 4),
        )
    if args.json:
        print(json.dumps(metrics))
    else:
        for key, value in metrics.items():
            print(f"{key:24} {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
