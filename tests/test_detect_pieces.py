"""Unit tests for the detector's pieces: text, sentences, matching, lexicon, values, explain."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from monitor.baseline import claims_of
from monitor.detect import DETECTOR_VERSION, Detector, LexiconError, load_lexicon
from monitor.detect.phrases import PhraseMatcher, screen
from monitor.detect.sentences import split_sentences
from monitor.detect.text import clean, fold_accents
from monitor.detect.tokens import tokenize
from monitor.detect.values import consistent, find_timings
from monitor.domain.claims import Claim
from monitor.domain.observations import Report

ROOT = Path(__file__).parents[1]
BASELINE = claims_of(ROOT / "events/src/bmw-neue-klasse-2024.claims.json")
DETECTOR = Detector(BASELINE.values())


def observe(title: str, text: str = "", published: str = "2025-09-01T00:00:00Z") -> dict:
    obs = DETECTOR.observe(Report(key="t", title=title, text=text, published=published))
    return {o.claim: o for o in obs}


def test_html_entities_quotes_and_dashes_are_normalised():
    assert (
        clean("<p>BMW&rsquo;s <b>i4&nbsp;Coupe</b> &ndash; approved</p>")
        == "BMW's i4 Coupe - approved"
    )
    assert clean("\u201cNA3\u201d droptop\u2026") == '"NA3" droptop...'


def test_sentences_survive_abbreviations_decimals_and_model_names():
    text = "Its 81.3 kWh pack is new. The firm said so. The U.K. sees the K4 S50 later."
    assert split_sentences(text) == [
        "Its 81.3 kWh pack is new.",
        "The firm said so.",
        "The U.K. sees the K4 S50 later.",
    ]


def test_a_number_with_thousands_separators_is_one_word():
    """ "10,601": its comma separates no clauses (a list "2024, 2025" keeps its commas)."""
    words = [t.text for t in tokenize("approves ₹10,601 crore plant in 2024, 2025 or $1,500,000")]
    assert words == [
        "approves",
        "₹",
        "10,601",
        "crore",
        "plant",
        "in",
        "2024",
        ",",
        "2025",
        "or",
        "$",
        "1,500,000",
    ]


def test_bullets_of_a_flattened_list_end_sentences():
    """A feed's summary often flattens a list into one line: each item is its own sentence."""
    text = "\u2022 The line will close in May \u2022 Its sister route opened in 2024"
    assert split_sentences(text) == [
        "The line will close in May",
        "Its sister route opened in 2024",
    ]


@pytest.mark.parametrize("written", ["drop-top", "droptop", "drop top", "DROP-TOP"])
def test_matching_ignores_case_and_hyphens(written):
    matcher = PhraseMatcher([("i4 drop-top", "x")])
    assert [m.payloads for m in matcher.find(tokenize(f"the i4 {written} is here"))] == [("x",)]


def test_longest_match_wins_and_lookalikes_block():
    assert set(observe("i4 Gran Coupe approved for a facelift")) == set()
    assert "ix7-clar" not in observe("The iX7 ALPINA has been unveiled")
    assert observe("The iX7 ALPINA has been unveiled")["ix7-alpina"].status == "revealed"
    assert "i3-sedan" not in observe("The carbon i3 hatchback was discontinued in 2022")
    assert "ix3" not in observe("The outgoing iX3 has been discontinued")


def test_matching_cost_does_not_grow_with_the_number_of_claims():
    many = list(BASELINE.values()) + [
        Claim(id=f"c{i}", subject="x", status="rumored", aliases=(f"Model Z{i}", f"Z{i} EV"))
        for i in range(1000)
    ]
    big = Detector(many)
    report = Report(
        key="r", title="BMW has approved the i4 Convertible", text="The NA3 is due in 2029. " * 8
    )
    # Work, not time (timings belong to bench/): the lines of the detector's code executed
    # to read the report, which a loop over the claims would multiply.
    assert _lines_run(big, report) <= 1.2 * _lines_run(DETECTOR, report)


def _lines_run(detector: Detector, report: Report) -> int:
    import sys

    detector.observe(report)  # warm caches
    count = 0

    def trace(frame, event, arg):  # noqa: ANN001, ANN202
        nonlocal count
        if "monitor/detect" not in frame.f_code.co_filename:
            return None
        if event == "line":
            count += 1
        return trace

    sys.settrace(trace)
    try:
        detector.observe(report)
    finally:
        sys.settrace(None)
    return count


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("production in the second half of 2028", "2028-H2"),
        ("production in the first half of 2029", "2029-H1"),
        ("output should stop in March 2026", "2026-03"),
        ("due in 2029", "2029"),
        ("by the end of 2027", "2027"),
        ("a late-2028 start", "2028-H2"),
        ("moved to 2029, and more precisely to the first half of that year", "2029-H1"),
    ],
)
def test_timings(text, value):
    assert value in [t.value for t in find_timings(text, "2025-06-01")]


def test_model_years_are_not_timings_and_consistent_values_are_kept():
    assert find_timings("Tested: the 2024 Corvid Q7 Estate") == []
    assert consistent("2028", "2028-H2") and not consistent("2029", "2028-H2")


@pytest.mark.parametrize(
    ("title", "text", "claim", "status"),
    [
        ("BMW has signed off the i4 Convertible", "", "i4-convertible-na3", "approved"),
        ("The NA3 has not been approved", "", "i4-convertible-na3", "unapproved"),
        ("BMW is yet to give the NA3 the go-ahead", "", "i4-convertible-na3", "unapproved"),
        ("BMW will start iX3 production next month", "", "ix3", None),
        ("BMW i4 Convertible reportedly scrapped", "", "i4-convertible-na3", "cancelled"),
        ("The iX5, iX6 and iX7 have been cancelled", "", "ix6-clar", "cancelled"),
        ("BMW softens its EV goal", "", "bmw-2030-target", "revised"),
        ("The Z4 will be phased out in April 2027", "", "z4", "ending"),
    ],
)
def test_status_readings(title, text, claim, status):
    got = observe(title, text).get(claim)
    assert got is not None
    assert (got.status if got.confidence >= 0.7 or got.status is None else "suspected") == status


@pytest.mark.parametrize(
    "title",
    [
        "Will BMW approve the i4 Convertible?",
        "If approved, the NA3 would arrive in 2029",
        "The i4 Convertible deserves approval",
        "The NA3 may be approved soon",
        "Audi has approved its electric convertible",
    ],
)
def test_traps_change_nothing(title):
    got = observe(title).get("i4-convertible-na3")
    assert got is None or got.status in (None, "unapproved") or got.confidence < 0.7


def test_every_observation_says_why_with_evidence():
    obs = observe("The board approves an i4 Convertible", "It is due in the first half of 2029.")
    o = obs["i4-convertible-na3"]
    assert o.why and o.evidence == "The board approves an i4 Convertible" and 0 < o.confidence <= 1


def test_explanation_has_text_and_json():
    report = Report(key="r", title="BMW has not approved the NA3, but the i4 Coupe is approved")
    exp = DETECTOR.explain(report)
    text = exp.to_text()
    assert "negated by" in text and "i4-coupe-na2" in text
    data = exp.to_json()
    json.dumps(data)
    assert data["sentences"][0]["cues"] and DETECTOR_VERSION


def test_lexicon_extension_adds_phrases(tmp_path):
    ext = tmp_path / "extra.json"
    ext.write_text(json.dumps({"statuses": {"approved": {"cues": ["given the thumbs-up"]}}}))
    det = Detector(BASELINE.values(), load_lexicon([ext]))
    obs = det.observe(Report(key="r", title="BMW has given the thumbs-up to the i4 Convertible"))
    assert obs[0].status == "approved"


def test_bad_lexicon_names_file_and_path(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"statuses": {"approved": {"cues": [3]}}}))
    with pytest.raises(LexiconError) as err:
        load_lexicon([bad])
    assert "bad.json" in str(err.value) and "$.statuses.approved.cues[0]" in str(err.value)
    assert isinstance(err.value, ValueError)
    broken = tmp_path / "broken.json"
    broken.write_text("{nope")
    with pytest.raises(LexiconError, match="broken.json"):
        load_lexicon([broken])


def test_observe_reads_the_current_claims_not_the_compiled_ones():
    """Plausibility and "the value adds nothing" use the claims passed in, when given."""
    now = dict(BASELINE)
    now["i4-convertible-na3"] = dataclasses.replace(
        BASELINE["i4-convertible-na3"], status="approved", value="2029"
    )
    denial = Report(key="d", title="BMW has not signed off the NA3")
    stale = {o.claim: o for o in DETECTOR.observe(denial)}["i4-convertible-na3"]
    fresh = {o.claim: o for o in DETECTOR.observe(denial, now)}["i4-convertible-na3"]
    assert stale.status == fresh.status == "unapproved"
    assert fresh.confidence < stale.confidence
    assert any("step backwards from approved" in w for w in fresh.why)
    assert "step backwards from approved" in DETECTOR.explain(denial, now).to_text()
    dated = Report(key="v", title="BMW has approved the i4 Convertible for 2029")
    assert DETECTOR.observe(dated)[0].value == "2029"
    assert DETECTOR.observe(dated, now)[0].value is None  # already the claim's value
    partial = {"i4-convertible-na3": now["i4-convertible-na3"]}  # others keep compile-time state
    assert DETECTOR.observe(denial, partial) == DETECTOR.observe(denial, now)


def test_the_screen_never_skips_a_sentence_the_matcher_would_read():
    phrases = [a for c in BASELINE.values() for a in (*c.aliases, *c.lookalikes)]
    rx = screen(phrases)
    matcher = PhraseMatcher([(p, p) for p in phrases])
    samples = [
        "the i4 drop-top is here",
        "The NA3 DROPTOP",
        "BMW\u2019s i4 Coup\u00e9 is approved",
        "half of its sales by 2030",
        "50% of sales by 2030",
        "a 3 series-EV",
        "ALPINA's first EV",
        "iX7 (ALPINA) news",
        "the Audi e-tron GT",
        "quarterly results",
    ]
    for line in samples + [s for c in BASELINE.values() for s in (c.quote, c.subject)]:
        text = clean(line)
        if matcher.find(tokenize(text)):
            assert rx.search(fold_accents(text)), line
            assert DETECTOR._names_a_model(text), line
    assert rx.search("quarterly results") is None


@pytest.mark.parametrize(
    ("title", "text", "claim", "status"),
    [
        (
            "BMW i4 Convertible: the decision",
            "It was signed off last week.",
            "i4-convertible-na3",
            "approved",
        ),
        (
            "BMW iX3 first drive",
            "Customer deliveries of the car began this week.",
            "ix3",
            "launched",
        ),
        (
            "BMW iX4 reportedly approved",
            "The crossover-coupe has been signed off for 2027.",
            "ix4",
            "approved",
        ),
    ],
)
def test_an_anaphor_reads_as_the_one_model_named_just_before(title, text, claim, status):
    got = observe(title, text)[claim]
    assert got.status == status and any("read as" in w for w in got.why)


@pytest.mark.parametrize(
    ("title", "text", "claim"),
    [
        # two models named before: "the model" is ambiguous
        ("BMW iX5 and iX6 news", "The model has been scrapped.", "ix5-clar"),
        # "It" after a sentence whose subject is the company is the company
        (
            "Plant news",
            "BMW has started building the iX3. It has also scrapped a paint shop.",
            "ix3",
        ),
        # another maker in the sentence before
        ("Tesla Model Y rival: the BMW iX3", "The car has been discontinued.", "ix3"),
        # "It is understood that ...": no referent
        (
            "BMW i4 Convertible news",
            "It is understood that a paint shop was approved.",
            "i4-convertible-na3",
        ),
        # another paragraph
        ("BMW iX4 news", "<p>Prices are up.</p><p>The car has been cancelled.</p>", "ix4"),
        # "the old car" is not the new one; "the car maker" is not the car
        ("BMW i3 sedan revealed", "The old car was discontinued in 2022.", "i3-sedan"),
        ("BMW iX5 news", "The car maker has cancelled a plant in Mexico.", "ix5-clar"),
        # a noun after the noun: "the EV push", "the business model" are not the car
        ("BMW iX3 review", "The EV push has been scrapped in Europe.", "ix3"),
        ("BMW iX4 news", "The business model has been approved by regulators.", "ix4"),
        # hedged, negated or weak cues are not read through an anaphor
        ("BMW iX4 news", "It could be cancelled.", "ix4"),
        ("BMW iX4 news", "It has not been cancelled.", "ix4"),
    ],
)
def test_an_anaphor_is_read_only_when_it_is_unambiguous(title, text, claim):
    got = observe(title, text).get(claim)
    assert got is None or not any("read as" in w for w in got.why) or got.status is None
    assert got is None or got.status in (None, BASELINE[claim].status, "revealed")


def test_the_diff_step_judges_a_report_against_the_current_claims():
    """diff_report passes its claims to the detector: a denial of a claim approved since the
    detector was compiled is a step backwards, only suspected, not a change."""
    from monitor.domain import events as ev
    from monitor.services.diffing import diff_report

    now = dict(BASELINE)
    now["i4-convertible-na3"] = dataclasses.replace(
        BASELINE["i4-convertible-na3"], status="approved"
    )
    report = Report(key="r", title="BMW has not signed off the NA3")
    _, events = diff_report(
        now, report, DETECTOR, "2026-01-01T00:00:00Z", threshold=0.7, cause="test"
    )
    kinds = {e.type for e in events}
    assert ev.CLAIM_STATUS_CHANGED not in kinds and ev.CHANGE_SUSPECTED in kinds


@pytest.mark.parametrize(
    "text",
    [
        "BMW has approved the i4 Convertible, a spokesperson said on Tuesday in Munich.",
        "BMW hat das i4 Cabrio freigegeben, sagte ein Sprecher am Dienstag in München.",
        "La BMW ha approvato la i4 Cabrio, ha detto martedì un portavoce a Monaco.",
        "it's the 50% i4's (NA3) x-drive 2029... ok?",
        "",
    ],
)
def test_the_one_pass_language_check_agrees_with_the_word_list(text):
    from monitor.detect.language import looks_english, text_looks_english, words_of

    stop = DETECTOR._stopwords
    assert text_looks_english(text, stop) == looks_english(words_of(text), stop)


def test_the_report_wide_screen_finds_the_same_sentences_as_one_by_one():
    sentences = [
        "BMW new",  # "new" + "i3" must not join across sentences
        "i3 sedan is approved.",
        "Prices rise.",
        "The NA3 droptop is not signed off.",
        "Quarterly results",
        "BMW's i4 Coupé",  # not ASCII: sentence by sentence
    ]
    one_by_one = {i for i, s in enumerate(sentences) if DETECTOR._names_a_model(s)}
    assert DETECTOR._named(sentences) == one_by_one == {1, 3, 5}
    assert DETECTOR._named(sentences[:5]) == {1, 3}


def test_names_get_the_routine_respellings_of_ev_and_an_owners_possessive():
    from monitor.detect.variants import name_variants

    assert name_variants("Corvid's first EV") >= {
        "Corvid's first electric model",
        "Corvid brand's first EV",
        "Corvid brand's first electric vehicle",
    }
    assert name_variants("Q5x") == {"Q5x"}
    assert "Orbis electric vehicles" in name_variants("Orbis EVs")


def test_a_possessive_or_a_code_names_plural_is_still_the_name():
    matcher = PhraseMatcher([("iX5", "a"), ("i4 Convertible", "b"), ("i3s", "c"), ("i3", "d")])
    found = [
        (m.start, m.end, m.payloads)
        for m in matcher.find(tokenize("The iX5's end, the i4 Convertible's fate, iX5s, i3s"))
    ]
    assert found == [(1, 2, ("a",)), (5, 7, ("b",)), (9, 10, ("a",)), (11, 12, ("c",))]


def test_a_lead_word_of_one_name_does_not_swallow_the_start_of_another():
    from monitor.detect.variants import with_leads

    names = [("Corvid Q3", 1), ("Q3 Estate", 2), ("new Q7", 3), ("Q7 Long", 4), ("Q9", 5)]
    added = {n for n, _ in with_leads(names, ["Corvid"])} - {n for n, _ in names}
    assert added == {"Corvid Q3 Estate", "new Q7 Long"}
    # without the organisation, only the generic lead words count
    assert {n for n, _ in with_leads(names)} - {n for n, _ in names} == {"new Q7 Long"}
    assert observe("BMW i3 Touring prototype is being developed")["i3-touring"].status == (
        "in-development"
    )


@pytest.mark.parametrize(
    ("title", "claim"),
    [
        ("The Z4's successor has been cancelled", "z4"),  # what belongs to the model
        ("The iX3 plant in Debrecen started production of batteries", "ix3"),
        ("The iX7-based SUV made its debut at Pebble Beach", "ix7-clar"),  # a modifier
        ("BMW i3 owners took delivery of a software update", "i3-sedan"),
    ],
)
def test_a_name_that_modifies_another_noun_is_not_the_model(title, claim):
    got = observe(title).get(claim)
    assert got is None or got.status in (None, BASELINE[claim].status) or got.confidence < 0.7


def test_a_confirming_verb_reports_the_status_beside_it():
    got = observe("Meanwhile, the iX6 has been cancelled, company sources confirmed.")
    assert got["ix6-clar"].status == "cancelled"


def test_irregular_past_forms_match_each_other():
    from monitor.detect.inflections import past_variants

    assert past_variants("production began") == ["production begun"]
    assert past_variants("has flown for the last time") == ["has flew for the last time"]
    assert past_variants("went on sale") == ["gone on sale"]
    assert past_variants("launched") == []


def _fictional(*claims: Claim) -> Detector:
    return Detector(claims, organizations=("Corvid Works", "Halden"))


def test_a_name_without_its_owner_counts_where_the_report_names_the_owner():
    plant = Claim(
        id="tarn-plant",
        subject="Corvid Works' Tarn glass plant",
        status="in-development",
        aliases=("Corvid Works Tarn glass plant",),
    )
    detector = _fictional(plant)

    def seen(title: str, text: str) -> dict:
        report = Report(key="t", title=title, text=text, published="2026-05-01T00:00:00Z")
        return {o.claim: o for o in detector.observe(report)}

    named = seen("Corvid Works hires 300", "Production has started at the Tarn glass plant.")
    assert named["tarn-plant"].status == "in-production"
    # the same words in a report that never names the owner may be another firm's plant
    assert seen("Glass makers expand", "Production has started at the Tarn glass plant.") == {}


def test_a_count_right_before_a_verb_is_what_the_verb_speaks_of():
    plant = Claim(
        id="tarn-plant",
        subject="Corvid Works' Tarn glass plant",
        status="in-development",
        aliases=("Tarn glass plant",),
    )
    report = Report(
        key="t",
        title="Cuts at Tarn",
        text="Layoffs hit the Tarn glass plant, with 40 announced on Friday.",
        published="2026-05-01T00:00:00Z",
    )
    assert [o.status for o in _fictional(plant).observe(report)] == [None]


def test_a_head_noun_comes_before_what_qualifies_it():
    from monitor.detect.variants import head_nouns

    fab = Claim(
        id="f",
        subject="Tarn's memory fab in Oslo",
        status="in-development",
        aliases=("first new memory fab in the region in 20 years", "memorandum of terms"),
    )
    nouns = head_nouns([fab])
    assert {"fab", "memorandum"} <= nouns
    assert not {"years", "terms", "region"} & nouns
