"""Measure the name matcher on names it has never seen, beside rapidfuzz baselines.

    python benchmarks/names_bench.py [--seed 7] [--holdout 0.2] [--out benchmarks/results/names.md]

A share of names.tsv is held out by name; the syllable table is rebuilt from the rest. Pairs are
generated from the held-out names only: Latin spelling variants use spellings that *other* people
in names.tsv used for the same Burmese syllable (so they are real spellings, not our own rules),
and negatives are the confusions vetters meet (order, missing or extra syllable, a different
syllable spelled alike, another real name). Every matcher sees the same pairs.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rapidfuzz import fuzz  # noqa: E402
from rapidfuzz.distance import JaroWinkler  # noqa: E402

from passage.names import compare as names_compare  # noqa: E402
from passage.names import latin  # noqa: E402
from passage.names.build_table import DATA, align, read_tsv  # noqa: E402
from passage.names.burmese import syllables as burmese_syllables  # noqa: E402
from passage.names.compare import DEFAULT_THRESHOLD  # noqa: E402
from passage.names.features import _levenshtein as levenshtein  # noqa: E402
from passage.names.table import SyllableTable  # noqa: E402

SHARED = ROOT.parent / "shared" / "data" / "myanmar-names"
TITLES = ["U", "Daw", "Ko", "Ma", "Sgt.", "Capt.", "Lt. Col.", "Maj"]


def observed_spellings(rows):
    """Burmese syllable -> Latin spellings people used for it, from every name in the file.

    A spelling counts when used at least twice and for at least 3% of that syllable: the source
    has typos (အောင် written "Maung" twice in 411) that are not variants anyone would accept.
    """
    counts = defaultdict(Counter)
    for syl, word in align(rows):
        counts[syl][word.capitalize()] += 1
    out = {}
    for syl, c in counts.items():
        total = sum(c.values())
        out[syl] = {w for w, n in c.items() if n >= 2 and n / total >= 0.03} or {
            c.most_common(1)[0][0]
        }
    return out


def build_pairs(held, spellings, rng):
    """(a, b, same, kind, script) pairs from held-out names."""
    latin_pairs, script_pairs = [], []
    all_syls = sorted(spellings)
    for row in held:
        syls = burmese_syllables(row["burmese_unicode"])
        words = row["latin"].split()
        if len(syls) != len(words):
            continue
        name = " ".join(words)
        # Positives: a real alternative spelling for some syllables.
        alt = [
            rng.choice(sorted(spellings[s] - {w}))
            if len(spellings[s] - {w}) and rng.random() < 0.6
            else w
            for s, w in zip(syls, words, strict=True)
        ]
        positives = []
        if alt != words:
            positives.append((" ".join(alt), "spelling"))
        if len(words) >= 2:
            i = rng.randrange(len(words) - 1)
            joined = words[:i] + [words[i] + words[i + 1].lower()] + words[i + 2 :]
            positives.append((" ".join(joined), "spacing"))
            positives.append((f"{alt[-1]}, {' '.join(alt[:-1])}", "inversion"))
        positives.append((f"{rng.choice(TITLES)} {' '.join(alt)}", "title"))
        positives.append((" ".join(alt).upper(), "case"))
        for b, kind in positives:
            latin_pairs.append((name, b, 1, kind))
        # Negatives: each is also spelled with the variant spellings, to be hard.
        negatives = []
        if len(words) >= 2 and [s for s in reversed(syls)] != syls:
            negatives.append((" ".join(reversed(alt)), "order"))
            negatives.append((" ".join(alt[:-1]), "missing-syllable"))
        extra = rng.choice(all_syls)
        negatives.append((" ".join([*alt, rng.choice(sorted(spellings[extra]))]), "extra-syllable"))
        i = rng.randrange(len(syls))
        close = _nearest_other(syls[i], words[i], spellings, all_syls)
        if close:
            negatives.append((" ".join(alt[:i] + [close] + alt[i + 1 :]), "different-syllable"))
        alt_keys = [latin.spelling_key(w) for w in alt]
        # A different syllable can share a spelling (ရွှေ written Htwe): then it is not a negative.
        negatives = [
            (b, k) for b, k in negatives if [latin.spelling_key(w) for w in b.split()] != alt_keys
        ]
        for b, kind in negatives:
            latin_pairs.append((name, b, 0, kind))
        # Burmese script against Latin: the true Latin spellings and the negatives above.
        script = row["burmese_zawgyi"] if rng.random() < 0.5 else row["burmese_unicode"]
        enc = "zawgyi" if script == row["burmese_zawgyi"] != row["burmese_unicode"] else "unicode"
        script_pairs.append((script, name, 1, f"{enc}:original"))
        script_pairs.append((script, " ".join(alt), 1, f"{enc}:spelling"))
        for b, kind in negatives:
            script_pairs.append((script, b, 0, f"{enc}:{kind}"))
    return latin_pairs, script_pairs


def _nearest_other(syl, word, spellings, all_syls):
    """A spelling of a different syllable that looks most like this one (Moe -> Myo)."""
    mine = {latin.spelling_key(w) for w in spellings[syl]}
    best, best_d = None, 99
    for other in all_syls:
        theirs = {latin.spelling_key(w) for w in spellings[other]}
        if theirs & mine or other.rstrip("း့") == syl.rstrip("း့"):
            continue  # same sound: not a different name
        for w in sorted(spellings[other]):
            d = levenshtein(latin.fold(word), latin.fold(w))
            if d < best_d:
                best, best_d = w, d
    return best


def f1(scores, labels, threshold):
    tp = sum(s >= threshold and y for s, y in zip(scores, labels, strict=True))
    fp = sum(s >= threshold and not y for s, y in zip(scores, labels, strict=True))
    fn = sum(s < threshold and y for s, y in zip(scores, labels, strict=True))
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def best_f1(scores, labels):
    return max((f1(scores, labels, t), t) for t in sorted(set(scores)))


BASELINES = {
    "rapidfuzz token_sort_ratio": lambda a, b: fuzz.token_sort_ratio(a.lower(), b.lower()) / 100,
    "rapidfuzz WRatio": lambda a, b: fuzz.WRatio(a.lower(), b.lower()) / 100,
    "rapidfuzz Jaro-Winkler": lambda a, b: JaroWinkler.normalized_similarity(a.lower(), b.lower()),
}


def evaluate(pairs, table):
    labels = [p[2] for p in pairs]
    t0 = time.perf_counter()
    ours = [names_compare(a, b, table=table)["score"] for a, b, *_ in pairs]
    per_pair_ms = (time.perf_counter() - t0) * 1000 / max(len(pairs), 1)
    rows = [
        (
            "Passage names (default threshold)",
            f1(ours, labels, DEFAULT_THRESHOLD),
            DEFAULT_THRESHOLD,
        ),
        ("Passage names (best threshold)", *best_f1(ours, labels)),
    ]
    for label, fn in BASELINES.items():
        rows.append(
            (f"{label} (best threshold)", *best_f1([fn(a, b) for a, b, *_ in pairs], labels))
        )
    errors = [
        (a, b, y, kind, s)
        for (a, b, y, kind), s in zip(pairs, ours, strict=True)
        if (s >= DEFAULT_THRESHOLD) != bool(y)
    ]
    return rows, errors, per_pair_ms


def table_md(title, pairs, rows, errors, per_pair_ms):
    pos = sum(p[2] for p in pairs)
    out = [
        f"### {title}",
        "",
        f"{len(pairs)} pairs ({pos} same, {len(pairs) - pos} different).",
        "",
    ]
    out += ["| matcher | F1 | threshold |", "|---|---|---|"]
    out += [f"| {name} | {score:.3f} | {t:.3f} |" for name, score, t in rows]
    out += ["", f"Passage compare: {per_pair_ms:.2f} ms per pair. Errors at the default threshold:"]
    out += [""] + [
        f"- `{a}` / `{b}` same={y} ({kind}) scored {s}" for a, b, y, kind, s in errors[:15]
    ]
    if len(errors) > 15:
        out.append(f"- … and {len(errors) - 15} more")
    return out + [""]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--holdout", type=float, default=0.2)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)
    source = SHARED / "names.tsv" if (SHARED / "names.tsv").exists() else DATA / "names.tsv"
    rows = read_tsv(source)
    names = sorted({r["burmese_unicode"] for r in rows})
    rng.shuffle(names)
    held_names = set(names[: int(len(names) * args.holdout)])
    train = [r for r in rows if r["burmese_unicode"] not in held_names]
    held = [r for r in rows if r["burmese_unicode"] in held_names]
    table = SyllableTable.from_names(train, read_tsv(DATA / "variants.tsv"))
    unseen = {s for r in held for s in burmese_syllables(r["burmese_unicode"])} - set(
        table.burmese_key
    )
    latin_pairs, script_pairs = build_pairs(held, observed_spellings(rows), rng)
    dev = (
        [(r["a"], r["b"], int(r["same"]), r["kind"]) for r in read_tsv(SHARED / "dev_pairs.tsv")]
        if (SHARED / "dev_pairs.tsv").exists()
        else []
    )
    lines = [
        "# Name matching quality",
        "",
        "Reproduce: `python benchmarks/names_bench.py --seed "
        f"{args.seed} --holdout {args.holdout} --out benchmarks/results/names.md`",
        "",
        f"Held out {len(held)} of {len(rows)} names (by name, seed {args.seed}); the table was "
        f"rebuilt from the other {len(train)}. {len(unseen)} Burmese syllables in the held-out "
        "names are not in that table (they go through the fallback keys).",
        "",
    ]
    for title, pairs in [
        ("Latin against Latin spelling variants (held-out names)", latin_pairs),
        ("Burmese script (Unicode and Zawgyi) against Latin (held-out names)", script_pairs),
    ]:
        lines += table_md(title, pairs, *evaluate(pairs, table))
    if dev:
        lines += table_md(
            "dev_pairs.tsv (shipped table; seen during development)", dev, *evaluate(dev, None)
        )
    text = "\n".join(lines)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
