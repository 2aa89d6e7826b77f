"""`passage names compare` and `passage names explain`: thin wrappers over passage.names."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from passage.names import DEFAULT_THRESHOLD, compare

ZAWGYI_KYAW_HTOO = "ေက်ာ္ထူး"


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("names", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_compare_prints_score_same_and_reasons_at_the_default_threshold():
    out, _ = run("compare", "Kyaw Htoo", "Kyawe Htu")
    result = json.loads(out)
    assert set(result) == {"score", "same", "reasons"}
    assert result["same"] is True and result["score"] >= DEFAULT_THRESHOLD
    assert any("Htoo ≈ Htu" in r for r in result["reasons"])


def test_compare_reads_zawgyi_and_respects_order():
    assert json.loads(run("compare", ZAWGYI_KYAW_HTOO, "Kyaw Htoo")[0])["same"] is True
    assert json.loads(run("compare", "Soe Win", "Win Soe")[0])["same"] is False


def test_compare_refuses_a_text_that_is_no_name():
    with pytest.raises(CommandError, match="not a name"):
        run("compare", "!!!", "Kyaw Htoo")


def test_compare_needs_two_names_or_a_file():
    with pytest.raises(CommandError, match="two names"):
        run("compare", "Kyaw Htoo")
    with pytest.raises(CommandError, match="not both"):
        run("compare", "Kyaw Htoo", "Htu", "--pairs", "x.tsv")


def test_pairs_keeps_every_column_and_adds_score_and_same(tmp_path):
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text(
        "id\ta\tb\tlabel\n"
        "1\tKyaw Htoo\tKyawe Htu\t1\n"
        f"2\t{ZAWGYI_KYAW_HTOO}\tKyaw Htoo\t1\n"
        "3\tSoe Win\tWin Soe\t0\n"
        "4\t!!\tKyaw\t0\n",
        encoding="utf-8",
    )
    out, err = run("compare", "--pairs", str(pairs))
    lines = [line.split("\t") for line in out.splitlines()]
    assert lines[0] == ["id", "a", "b", "label", "score", "same"]
    assert [row[0] for row in lines[1:]] == ["1", "2", "3", "4"]
    assert lines[1][3:] == ["1", str(compare("Kyaw Htoo", "Kyawe Htu")["score"]), "true"]
    assert lines[2][5] == "true" and lines[3][5] == "false"
    assert lines[4][4:] == ["", ""] and "line 5: not a name" in err


def test_pairs_names_a_missing_column(tmp_path):
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text("first\tb\nKyaw\tHtoo\n", encoding="utf-8")
    with pytest.raises(CommandError, match="no column a"):
        run("compare", "--pairs", str(pairs))


def test_pairs_reports_an_unreadable_file(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        run("compare", "--pairs", str(tmp_path / "missing.tsv"))
    latin1 = tmp_path / "latin1.tsv"
    latin1.write_bytes("a\tb\nJos\xe9\tX\n".encode("latin-1"))
    with pytest.raises(CommandError, match="not UTF-8"):
        run("compare", "--pairs", str(latin1))


def test_explain_shows_syllables_keys_and_titles_set_aside():
    result = json.loads(run("explain", "Daw Aye Aye")[0])
    assert [s["text"] for s in result["syllables"]] == ["Aye", "Aye"]
    assert result["titles"] == ["Daw"]
    assert {"key", "loose_key", "burmese"} <= set(result["syllables"][0])
