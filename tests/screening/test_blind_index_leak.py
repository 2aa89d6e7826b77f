"""What the blind index still reveals to someone holding only a copy of the database: how many
records share each digest. Ranked, those counts line up with how common each syllable is in
Burmese names, which is public knowledge. This measures that on a demo-sized database (the
numbers are in docs/threat-model.md, "Seized server")."""

from collections import Counter

import pytest
from django.db.models import Count

from passage.cases.demo import NAMES_TSV, load_demo_data
from passage.names import InvalidName, parse
from passage.names.table import load
from passage.screening import blind
from passage.screening.models import BlindKey


def public_syllable_ranking() -> list[str]:
    """The attacker's prior: single-syllable keys ranked by how often they occur in a public
    list of Burmese names (here the names file Passage ships; any name list would do)."""
    table, counts = load(), Counter()
    for line in NAMES_TSV.read_text().splitlines()[1:]:
        latin = line.split("\t")[2]
        try:
            counts.update(f"1:{s.key.loose}" for s in parse(latin, table).syllables)
        except InvalidName:
            continue
    return [key for key, _n in counts.most_common()]


@pytest.mark.django_db
def test_digest_frequencies_name_the_common_syllables_without_any_key(capsys):
    load_demo_data(cases=200, seed=11)
    # What a seized database shows: digests and how many rows carry each. No key needed.
    seen = list(BlindKey.objects.values("digest").annotate(n=Count("id")).order_by("-n", "digest"))
    rows = sum(d["n"] for d in seen)
    top = [d["digest"] for d in seen[:10]]
    # Only the test, holding the key, can say which syllable each digest stands for.
    index = blind.hasher()
    prior = public_syllable_ranking()
    digest_of = {index.hash(key).hex(): key for key in prior[:50]}
    same_rank = sum(1 for i, d in enumerate(top) if digest_of.get(d) == prior[i])
    among_common = sum(1 for d in top if d in digest_of)
    share = sum(d["n"] for d in seen[:10]) / rows
    with capsys.disabled():
        print(
            f"\nblind index: {rows} rows, {len(seen)} distinct digests; the 10 most frequent "
            f"carry {share:.0%} of rows; {among_common}/10 are among the 50 commonest public "
            f"syllables; {same_rank}/10 at exactly their public rank; the top one is "
            f"{digest_of.get(top[0], '?')}"
        )
    # The documented limit: without any key, most of the top digests are common syllables.
    assert among_common >= 7
    assert digest_of.get(top[0]) in prior[:5]
