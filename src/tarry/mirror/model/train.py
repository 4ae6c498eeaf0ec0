"""Train the mirror's model, choose its calibration and thresholds, and measure it honestly.

    python -m tarry.mirror.model.train [--shared ../shared/data] [--report report.json]

Needs the `train` extra (scikit-learn) and the licensed public sets (`--shared`, see
docs/mirror.md); writes `src/tarry/mirror/model/mirror.model`. The same data gives the same bytes:
examples and features are sorted, the solver is deterministic and runs on one thread.

Each head is a logistic regression on the training split of the sources that label it, over the
sparse features, plus a second one over the dense features (the mean static embedding of the
message's word pieces and of the other person's last run, `data/embeddings/`, see
`tarry.mirror.model.distill`) whose score is added with a weight (`beta`, 0 leaves it out). The
regularisation and that weight are chosen on the dev split. Probabilities are calibrated (Platt
scaling) on the dev split of the chats, the kind of text tarry labels for a person (all dev sources
where a head has no chats). Two thresholds: `threshold` maximises the mean F1 over the dev sources
(so no one source decides), `confident` is the lowest probability above it at which the chats' dev
precision reaches CONFIDENT_PRECISION: what reports show as findings. The sentences of a long
message (`features.sentences`) are scored too, and the dev split decides per head whether the
message takes their highest probability (`pools`); thresholds are then chosen on what it gives.
The test split is only scored, for the report. Cross-domain figures train the same way without
one source and score that source's test split.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one thread: the same bytes on every run
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np

from tarry.mirror.lexicon import normalise
from tarry.mirror.model import corpus, labeller
from tarry.mirror.model.features import (
    THEIRS,
    features,
    pieces,
    question_feature,
    read,
    sentences,
    their_turn,
    their_weight,
)
from tarry.mirror.moves import question_type, run_reading, said_back

REPO = Path(__file__).resolve().parents[4]
OUT = Path(__file__).resolve().parent / labeller.FILE
HELD_OUT = Path(__file__).resolve().parents[1] / "evalset" / "chats-test.jsonl"
MIN_COUNT = 2  # a feature seen fewer times in training is left out
STRENGTHS = (0.25, 0.5, 1.0, 2.0, 4.0)  # inverse regularisation tried per head
EMBEDDINGS = REPO / "data" / "embeddings" / "minilm-static.npz"
DENSE_STRENGTH = 0.1  # inverse regularisation of the dense model
BETAS = (0.0, 0.25, 0.5, 1.0, 2.0)  # weights of the dense model's score tried per head
CONFIDENT_PRECISION = 0.8
FEELING = corpus.LEVEL_HEADS[-1]
GRID = np.round(np.arange(0.02, 0.98, 0.01), 2)


def example_features(e: corpus.Example) -> list[str]:
    mine, run = read(e.text), [read(text) for text in their_turn(e.context)]
    theirs = run_reading([r.rules for r in run]) if run else None
    question, why = question_type(mine.rules, theirs)
    return sorted(set(features(mine, run, e.replying, question_feature(question, why))))


def vocabulary(rows: Sequence[list[str]]) -> list[str]:
    counts: dict[str, int] = {}
    for names in rows:
        for name in names:
            counts[name] = counts.get(name, 0) + 1
    return ["bias", *sorted(n for n, c in counts.items() if c >= MIN_COUNT)]


def matrix(rows: Sequence[list[str]], index: dict[str, int]) -> Any:
    """The examples' features as a sparse matrix: 1 for a feature of the message, and
    `their_weight` for each of the other person's turn, of those the vocabulary knows."""
    from scipy.sparse import csr_matrix

    cols: list[list[int]] = []
    values: list[float] = []
    for names in rows:
        known = [n for n in names if n in index]
        theirs = [n.startswith(THEIRS) for n in known]
        weight = their_weight(sum(theirs))
        cols.append([index[n] - 1 for n in known])
        values += [weight if t else 1.0 for t in theirs]
    indptr = np.cumsum([0, *map(len, cols)])
    flat = np.fromiter((c for r in cols for c in r), dtype=np.int64, count=int(indptr[-1]))
    return csr_matrix((np.array(values), flat, indptr), shape=(len(rows), len(index) - 1))


def f1(y: np.ndarray, predicted: np.ndarray) -> tuple[float, float, float]:
    tp = float(np.sum(predicted & (y == 1)))
    p = tp / max(1, int(predicted.sum()))
    r = tp / max(1, int((y == 1).sum()))
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


class Static:
    """The distilled static embedding: a vector per word piece (`tarry.mirror.model.distill`)."""

    def __init__(self, path: Path) -> None:
        with np.load(path) as table:
            self.pieces = [str(p) for p in table["pieces"]]
            self.vectors = table["vectors"].astype(np.float64)
        self.vocabulary = {piece: row for row, piece in enumerate(self.pieces)}

    def mean(self, texts: Sequence[str]) -> np.ndarray:
        """The mean vector of the texts' word pieces (zeros when there are none)."""
        found = (pieces(word, self.vocabulary) for text in texts for word in read(text).words)
        rows = [r for part in found for r in part]
        return self.vectors[rows].mean(axis=0) if rows else np.zeros(self.vectors.shape[1])


def dense_features(e: corpus.Example, static: Static) -> np.ndarray:
    """The message's mean word-piece vector, then that of the other person's last run."""
    return np.concatenate([static.mean([e.text]), static.mean(their_turn(e.context))])


class Data:
    """Examples with their features, split, by head."""

    dense: np.ndarray  # dense features, each column divided by `scale`
    scale: np.ndarray  # each dense column's standard deviation on the training split
    # the sentences of long messages (`features.sentences`), each read alone as well:
    parts: Any  # their sparse features
    parts_dense: np.ndarray  # their dense features, scaled as `dense`
    owner: np.ndarray  # the example each belongs to
    said_back: np.ndarray  # its feeling words are all the other's (`moves.said_back`)

    def __init__(self, examples: list[corpus.Example], names: list[list[str]]) -> None:
        self.examples, self.names = examples, names
        self.split = np.array([corpus.split_part(e) for e in examples])
        self.source = np.array([e.source for e in examples])
        self.said_back = np.array([said_back(normalise(e.text)) for e in examples], dtype=bool)

    def select(self, head: str, split: str, without: str | None = None) -> np.ndarray:
        knows = np.array([head in e.targets for e in self.examples])
        return knows & (self.split == split) & (self.source != without)

    def y(self, head: str) -> np.ndarray:
        return np.array([e.targets.get(head, 0) for e in self.examples])


def _fit(x: Any, y: np.ndarray, strength: float) -> tuple[np.ndarray, float]:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=strength, max_iter=5000, tol=1e-6, solver="lbfgs")
    model.fit(x, y)
    return model.coef_[0], float(model.intercept_[0])


def _calibrate(raw: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    from sklearn.linear_model import LogisticRegression

    platt = LogisticRegression(C=1e6, max_iter=5000, tol=1e-8).fit(raw.reshape(-1, 1), y)
    return float(platt.coef_[0][0]), float(platt.intercept_[0])


def _sources_f1(p: np.ndarray, y: np.ndarray, src: np.ndarray, t: float) -> float:
    """The mean F1 over the sources with enough positives: no one source decides."""
    scores = [f1(y[src == s], p[src == s] >= t)[2] for s in sorted(set(src))
              if (y[src == s] == 1).sum() >= 10]  # fmt: skip
    return float(np.mean(scores)) if scores else 0.0


def _threshold(p: np.ndarray, y: np.ndarray, src: np.ndarray) -> float:
    best = max((_sources_f1(p, y, src, float(t)), -float(t)) for t in GRID)
    return -best[1]


def _confident(p: np.ndarray, y: np.ndarray, low: float) -> float:
    for t in GRID:
        chosen = p >= t
        if t >= low and chosen.sum() >= 5 and f1(y, chosen)[0] >= CONFIDENT_PRECISION:
            return float(t)
    return 1.0  # never confident: the report shows no findings for this label


TARGET = "chats"  # the kind of text reports are about


def _target(data: Data, dev: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The dev rows of the chats, where they label both classes; else every dev row."""
    chats = dev & (data.source == TARGET)
    return chats if 0 < y[chats].sum() < chats.sum() else dev


def _best(p: np.ndarray, y: np.ndarray, src: np.ndarray) -> float:
    return max(_sources_f1(p, y, src, float(t)) for t in GRID)


def _pooled(data: Data, whole: np.ndarray, parts: np.ndarray) -> np.ndarray:
    """Per example, the highest of its own probability and its sentences'."""
    out = whole.copy()
    np.maximum.at(out, data.owner, parts)
    return out


def _steady(scores: np.ndarray) -> np.ndarray:
    """Each setting's dev score averaged with its neighbours' on the grid (strength by beta):
    a setting is chosen for a region that does well, not for a spike that one dev set's luck
    put there."""
    padded = np.pad(scores, 1, constant_values=np.nan)
    stack = [padded[1:-1, 1:-1], padded[:-2, 1:-1], padded[2:, 1:-1], padded[1:-1, :-2],
             padded[1:-1, 2:]]  # fmt: skip
    return np.nanmean(np.stack(stack), axis=0)


def train_head(data: Data, x: Any, head: str, without: str | None = None) -> dict[str, Any]:
    """One head: regularisation chosen on dev, calibrated, with thresholds; and whether a long
    message takes the highest probability of its sentences (`pools`), chosen on dev."""
    y = data.y(head)
    train, dev = data.select(head, "train", without), data.select(head, "dev", without)
    target = _target(data, dev, y)
    fits: dict[float, tuple[np.ndarray, float]] = {}
    dense_coef, dense_bias = _fit(data.dense[train], y[train], DENSE_STRENGTH)
    dense = data.dense @ dense_coef + dense_bias
    scores = np.zeros((len(STRENGTHS), len(BETAS)))
    for i, strength in enumerate(STRENGTHS):
        fits[strength] = _fit(x[train], y[train], strength)
        coef, bias = fits[strength]
        sparse = x @ coef + bias
        for j, beta in enumerate(BETAS):
            raw = sparse + beta * dense
            slope, shift = _calibrate(raw[target], y[target])
            p = 1 / (1 + np.exp(-(slope * raw[dev] + shift)))
            scores[i, j] = _best(p, y[dev], data.source[dev])
    chosen = np.unravel_index(int(np.argmax(_steady(scores))), scores.shape)
    strength, beta = STRENGTHS[int(chosen[0])], BETAS[int(chosen[1])]
    coef, bias = fits[strength]
    raw = x @ coef + bias + beta * dense
    slope, shift = _calibrate(raw[target], y[target])
    fit = {
        "coef": coef, "bias": bias, "strength": strength, "calibration": [slope, shift],
        "dense": (beta * dense_coef, beta * dense_bias), "beta": beta, "pools": False,
    }  # fmt: skip
    p = _probability(fit, x, data.dense)
    pooled = _pooled(data, p, _probability(fit, data.parts, data.parts_dense))
    if _best(pooled[dev], y[dev], data.source[dev]) > _best(p[dev], y[dev], data.source[dev]):
        fit["pools"], p = True, pooled
    p = as_decided(head, p, data)
    threshold = _threshold(p[dev], y[dev], data.source[dev])
    return {
        **fit, "threshold": threshold, "confident": _confident(p[target], y[target], threshold)
    }  # fmt: skip


def as_decided(head: str, p: np.ndarray, data: Data) -> np.ndarray:
    """`p` as the labeller decides on it: a feeling whose words are all said back to the other
    person is not given, whatever its probability (`moves.said_back`)."""
    return np.where(data.said_back, 0.0, p) if head == FEELING else p


def probabilities(head_fit: dict[str, Any], data: Data, x: Any) -> np.ndarray:
    """Every example's probability for one head (pooled with its sentences' if it `pools`)."""
    whole = _probability(head_fit, x, data.dense)
    if not head_fit["pools"]:
        return whole
    return _pooled(data, whole, _probability(head_fit, data.parts, data.parts_dense))


def _probability(head_fit: dict[str, Any], sparse: Any, dense: np.ndarray) -> np.ndarray:
    """One head's calibrated probability of each row of `sparse` and `dense`."""
    slope, shift = head_fit["calibration"]
    coef, bias = head_fit["dense"]
    raw = sparse @ head_fit["coef"] + head_fit["bias"] + dense @ coef + bias
    return np.asarray(1 / (1 + np.exp(-(slope * raw + shift))))


def scored(data: Data, x: Any, fits: dict[str, dict[str, Any]], split: str) -> list[dict[str, Any]]:
    """Per head and source: precision, recall, F1 and the all-positive baseline."""
    rows = []
    for head, fit in fits.items():
        y, p = data.y(head), as_decided(head, probabilities(fit, data, x), data)
        for source in sorted(set(data.source)):
            chosen = data.select(head, split) & (data.source == source)
            if chosen.sum() < 20 or y[chosen].sum() in (0, chosen.sum()):
                continue  # a set with one class says nothing about a head
            prec, rec, f = f1(y[chosen], p[chosen] >= fit["threshold"])
            rows.append({
                "head": head, "source": source, "split": split, "n": int(chosen.sum()),
                "positives": int(y[chosen].sum()), "precision": round(prec, 3),
                "recall": round(rec, 3), "f1": round(f, 3),
                "all_positive_f1": round(f1(y[chosen], np.ones(chosen.sum(), bool))[2], 3),
            })  # fmt: skip
    return rows


def build(repo: Path, shared: Path, static: Static) -> tuple[Data, Any, list[str]]:
    loaded = corpus.load(repo, shared)
    examples = sorted(loaded.examples, key=lambda e: (e.source, e.group, e.text, str(e.context)))
    names = [example_features(e) for e in examples]
    data = Data(examples, names)
    dense = np.stack([dense_features(e, static) for e in examples])
    data.scale = dense[data.split == "train"].std(axis=0) + 1e-6
    data.dense = dense / data.scale
    vocab = vocabulary([n for n, s in zip(names, data.split, strict=True) if s == "train"])
    index = {name: k for k, name in enumerate(vocab)}
    x = matrix(names, index)
    parts = [
        (k, corpus.Example(e.source, e.group, text, e.context, e.replying, {}))
        for k, e in enumerate(examples)
        for text in sentences(e.text)
    ]
    data.owner = np.array([k for k, _ in parts], dtype=np.intp)
    data.parts = matrix([example_features(part) for _, part in parts], index)
    width = dense.shape[1]
    data.parts_dense = (
        np.array([dense_features(part, static) for _, part in parts], dtype=np.float64).reshape(
            -1, width
        )
        / data.scale
    )
    return data, x, vocab


def save(
    fits: dict[str, dict[str, Any]], vocab: list[str], data: Data, static: Static, path: Path
) -> None:
    """The sparse weights, then the dense model folded into two tables of a number per word
    piece and head: the mean of a text's rows is its mean vector times the weights."""
    heads, size, dim = list(fits), len(static.pieces), static.vectors.shape[1]
    weights = np.zeros((len(vocab) + 2 * size, len(heads)), dtype=np.float64)
    for k, head in enumerate(heads):
        coef, bias = fits[head]["dense"]
        weights[0, k] = fits[head]["bias"] + bias
        weights[1 : len(vocab), k] = fits[head]["coef"]
        folded = coef / data.scale
        weights[len(vocab) : len(vocab) + size, k] = static.vectors @ folded[:dim]
        weights[len(vocab) + size :, k] = static.vectors @ folded[dim:]
    counts = {s: int((data.source == s).sum()) for s in sorted(set(data.source))}
    labeller.write(path, {
        "heads": heads, "features": vocab, "pieces": static.pieces,
        "calibration": {h: [round(v, 6) for v in fits[h]["calibration"]] for h in heads},
        "threshold": {h: fits[h]["threshold"] for h in heads},
        "confident": {h: fits[h]["confident"] for h in heads},
        "meta": {"examples": counts, "strength": {h: fits[h]["strength"] for h in heads},
                 "beta": {h: fits[h]["beta"] for h in heads}},
        "pools": {h: fits[h]["pools"] for h in heads},
    }, weights)  # fmt: skip


def export_held_out(repo: Path, path: Path) -> int:
    """The test split of the project's chats in the contract's shape (`tarry mirror eval`)."""
    lines = []
    for file in sorted((repo / "data" / "chats").glob("*.jsonl")):
        for n, e in enumerate(corpus.chat_examples(file)):
            if e.split == "test":
                context = [{"author": a, "text": text} for a, text in e.context]
                row = {"id": f"{e.group}.{n}", "text": e.text, "context": context, "gold": e.gold}
                lines.append(json.dumps(row, ensure_ascii=False, sort_keys=True))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)


def cross_domain(data: Data, x: Any) -> list[dict[str, Any]]:
    """Trained without one source, scored on that source's test split."""
    rows = []
    for source in sorted(set(data.source)):
        fits = {}
        for head in corpus.HEADS:
            rest = data.y(head)[data.select(head, "train", source)]
            knows_elsewhere = 0 < rest.sum() < len(rest)  # both classes left to learn from
            held = data.select(head, "test") & (data.source == source)
            if knows_elsewhere and held.sum() >= 20 and data.y(head)[held].sum() > 0:
                fits[head] = train_head(data, x, head, without=source)
        rows += [r for r in scored(data, x, fits, "test") if r["source"] == source]
    return rows


def without_public_sets(shared: Path) -> str | None:
    """What to tell a developer whose --shared does not hold the public sets, or None."""
    absent = corpus.missing(shared)
    if absent is None:
        return None
    return (
        f"{absent}: not there. --shared names the folder that holds claff-offmychest/ and "
        "advice-reddit/ (../shared/data; docs/mirror.md)."
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--output", type=Path, default=OUT)
    parser.add_argument("--held-out", type=Path, default=HELD_OUT, help="the chats' test split")
    parser.add_argument(
        "--embeddings", type=Path, default=EMBEDDINGS, help="the distilled static embedding"
    )
    parser.add_argument("--report", type=Path, help="also write the figures as JSON")
    parser.add_argument(
        "--cross-domain", action="store_true", help="also train without each source"
    )
    args = parser.parse_args(argv)
    if problem := without_public_sets(args.shared):
        print(problem, file=sys.stderr)
        return 2
    print(f"held-out chats: {export_held_out(REPO, args.held_out)} messages in {args.held_out}")
    static = Static(args.embeddings)
    data, x, vocab = build(REPO, args.shared, static)
    fits = {head: train_head(data, x, head) for head in corpus.HEADS}
    save(fits, vocab, data, static, args.output)
    report = {"dev": scored(data, x, fits, "dev"), "test": scored(data, x, fits, "test")}
    if args.cross_domain:
        report["cross_domain"] = cross_domain(data, x)
    for part, rows in report.items():
        print(f"== {part}")
        for r in rows:
            print(
                f"{r['head']:17s} {r['source']:7s} n={r['n']:5d} P={r['precision']:.3f} "
                f"R={r['recall']:.3f} F1={r['f1']:.3f} all-positive={r['all_positive_f1']:.3f}"
            )
    if args.report:
        args.report.write_text(json.dumps(report, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
