"""The shipped table is plain TSV rebuilt exactly by its script; the package needs no Django."""

import subprocess
import sys

from passage.names import build_table
from passage.names.build_table import DATA, read_tsv


def test_shipped_table_is_what_the_script_builds():
    syl_rows, part_rows = build_table.build(
        read_tsv(DATA / "names.tsv"), read_tsv(DATA / "variants.tsv")
    )
    shipped = read_tsv(DATA / "syllables.tsv")
    assert [{k: str(v) for k, v in r.items()} for r in syl_rows] == shipped
    assert len(part_rows) == len(read_tsv(DATA / "parts.tsv"))


def test_licence_notice_ships_with_the_data():
    assert (
        "CC" in (DATA / "NOTICE.md").read_text()
        or "Creative Commons" in (DATA / "NOTICE.md").read_text()
    )


def test_package_imports_nothing_from_django():
    code = "import sys, passage.names as n; n.compare('a b', 'a b'); print('django' in sys.modules)"
    out = subprocess.run(  # noqa: S603 - our own interpreter running a fixed snippet
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"
