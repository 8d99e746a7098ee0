"""Is an article about cải cách hành chính (CCHC) as the Government's reform programme means it?

A transparent scorer over a weighted phrase lexicon (``lexicon_cchc.yaml``): each phrase found
adds its weight, more when it is in the title or the opening, with diminishing returns for
repetition and a dampening for long texts where a phrase is only a passing mention; trap phrases
(pensions, holidays, trials, shops) subtract. The sum is a logit; the score is its sigmoid. Every
decision carries the phrases that drove it, so an official can see why an item counted.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from monitor.kind import detect_kind
from monitor.language import detect_language
from monitor.lexicon import Hit, Lexicon, normalise

MODEL_VERSION = "cchc-lexicon-6"
DEFAULT_THRESHOLD = 0.5
MAX_EVIDENCE = 12
NEGATIVE_MARK = "−"


@dataclass(frozen=True)
class Relevance:
    cchc: bool
    score: float
    evidence: tuple[str, ...]


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    return Lexicon.default()


class RelevanceClassifier:
    def __init__(self, threshold: float | None = None, lexicon: Lexicon | None = None) -> None:
        self.threshold = DEFAULT_THRESHOLD if threshold is None else float(threshold)
        if not 0.0 < self.threshold < 1.0:
            raise ValueError(
                f"relevance threshold must be between 0 and 1 (exclusive), got {threshold!r}; "
                "set CCHC_RELEVANCE_THRESHOLD to e.g. 0.5 or leave it unset"
            )
        self.lexicon = lexicon or default_lexicon()

    def classify(self, title: str, text: str) -> Relevance:
        logit, contributions = self.explain(title, text)
        score = 1.0 / (1.0 + math.exp(-logit))
        ranked = sorted(contributions.items(), key=lambda item: -abs(item[1]))
        evidence = tuple(
            phrase if value > 0 else NEGATIVE_MARK + phrase
            for phrase, value in ranked[:MAX_EVIDENCE]
            if value != 0
        )
        return Relevance(score >= self.threshold, round(score, 4), evidence)

    def explain(self, title: str, text: str) -> tuple[float, dict[str, float]]:
        """The logit and each phrase's contribution to it."""
        params = self.lexicon.scoring
        contributions: dict[str, float] = {}
        for hit in self.lexicon.hits(normalise(title)):
            _add(contributions, hit.phrase, hit.weight * params["title_boost"])
        body = normalise(text)
        words = body.count(" ") - 1
        damping = min(1.0, math.sqrt(params["long_words"] / words)) if words > 0 else 1.0
        for hit in self.lexicon.hits(body):
            value = hit.weight * _repeat(hit, params) * _position(hit, params)
            _add(contributions, hit.phrase, value * damping if value > 0 else value)
        return params["bias"] + sum(contributions.values()), contributions


def _add(contributions: dict[str, float], phrase: str, value: float) -> None:
    contributions[phrase] = contributions.get(phrase, 0.0) + value


def _repeat(hit: Hit, params: dict[str, float]) -> float:
    return min(params["max_repeat"], 1.0 + math.log(hit.count))


def _position(hit: Hit, params: dict[str, float]) -> float:
    return 1.0 if hit.first <= params["lead_chars"] else params["late_factor"]


def classify_jsonl(
    lines: Iterable[str], classifier: RelevanceClassifier | None = None
) -> Iterator[str]:
    """``cchc classify``: one JSON line out per JSON line in; a bad line becomes an error line."""
    classifier = classifier or RelevanceClassifier()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        yield json.dumps(_classify_line(classifier, line, number), ensure_ascii=False)


def _classify_line(classifier: RelevanceClassifier, line: str, number: int) -> dict[str, object]:
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"error": f"dòng {number}: không đọc được JSON ({exc.msg}, cột {exc.colno})"}
    if not isinstance(item, dict):
        return {"error": f"dòng {number}: cần một đối tượng JSON có id, title, text"}
    out: dict[str, object] = {"id": item["id"]} if "id" in item else {}
    problem = _field_problem(item)
    if problem:
        out["error"] = f"dòng {number}: {problem}"
        return out
    title, text, url = item.get("title") or "", item.get("text") or "", item.get("url") or ""
    result = classifier.classify(title, text)
    kind, _ = detect_kind(url=url, title=title, text=text)
    language, _ = detect_language(title=title, text=text)
    out.update(cchc=result.cchc, score=result.score, evidence=list(result.evidence))
    out.update(kind=kind, language=language)
    return out


def _field_problem(item: dict[str, object]) -> str | None:
    if "id" not in item:
        return "thiếu trường id"
    for field in ("title", "text", "url"):
        value = item.get(field)
        if value is not None and not isinstance(value, str):
            return f"trường {field} phải là chuỗi, không phải {type(value).__name__}"
    if not (item.get("title") or item.get("text")):
        return "cần ít nhất một trong hai trường title, text"
    return None
