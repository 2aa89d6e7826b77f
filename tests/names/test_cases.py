"""The labelled cases in cases.tsv: the matcher's regression suite."""

import csv
from pathlib import Path

import pytest

from passage.names import compare

with (Path(__file__).parent / "cases.tsv").open(encoding="utf-8") as _f:
    CASES = list(csv.DictReader(_f, delimiter="\t", quoting=csv.QUOTE_NONE))


@pytest.mark.parametrize("case", CASES, ids=[f"{c['kind']}:{c['a']}|{c['b']}" for c in CASES])
def test_labelled_case(case):
    result = compare(case["a"], case["b"])
    assert result["same"] is (case["same"] == "1"), result


def test_dev_pairs_all_right():
    path = Path(__file__).resolve().parents[3] / "shared/data/myanmar-names/dev_pairs.tsv"
    if not path.exists():
        pytest.skip("shared data not beside the repo")
    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    wrong = [r for r in rows if compare(r["a"], r["b"])["same"] is not (r["same"] == "1")]
    assert not wrong
