"""Two names joined by a dash ("Orla-Brisk merger", "Oslo–Bergen route") name a relation between
them, which a sentence may tell with a few words between the two ("Brisk ended its merger with
Orla")."""

from __future__ import annotations

import pytest

from monitor.detect.signatures import PAIR_EXTRA_WORDS, SignatureMatcher, pair_of
from monitor.detect.tokens import tokenize


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("Orla-Brisk merger", {"orla", "brisk"}),
        ("the Oslo–Bergen route", {"oslo", "bergen"}),
        ("Blue Fern-Redwick deal", {"blue", "fern", "redwick"}),
        ("Tarn/Vell partnership", {"tarn", "vell"}),
    ],
)
def test_a_dash_between_two_names_is_a_pair(name: str, words: set[str]):
    sig = pair_of("c", name)
    assert sig is not None and sig.pair and sig.words == frozenset(words)


@pytest.mark.parametrize(
    "name", ["drop-top K5", "Orla K5-based van", "Kestrel", "Tarn Steel-Vell Steel"]
)
def test_no_pair_without_two_capitalised_names(name: str):
    assert pair_of("c", name) is None  # a hyphenated word, one name, or a repeated word


def test_a_pair_is_found_with_a_few_words_between_but_not_far_apart():
    matcher = SignatureMatcher([("m", "Orla-Brisk merger", False)])
    near = matcher.find(tokenize("Brisk ended its merger with Orla on Monday."))
    assert [h.claims for h in near] == [("m",)] and near[0].relational
    gap = " ".join(["word"] * (PAIR_EXTRA_WORDS + 1))
    assert matcher.find(tokenize(f"Brisk {gap} Orla.")) == []
    assert matcher.find(tokenize("Brisk said so. Orla did not.")) == []  # not in one clause
