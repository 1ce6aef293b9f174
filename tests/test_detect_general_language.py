"""The general language of each status, in sentences of our own about a fictional company in
several fields: what a user's own article will meet. "-" means no change (a hedge, a question, a
denial, a plan, a corroboration). Written before the cues they needed were added; a cue enters
the lexicon with a sentence here (or in tests/data/baselines/own-kestrel/) that needs it.

Known misses, left as they are: "abandoned the K5 project" (the name is "K5" alone, no alias),
"is now building the K5" (building: a plant's construction or a product's production?), "the
plant began operating" (read as launched; a factory's labeller may say in-production), "the
first trams ran on Line 9" (a field's own verb).
"""

from __future__ import annotations

import pytest

from monitor.detect import Detector
from monitor.domain.claims import Claim
from monitor.domain.decide import DEFAULT_THRESHOLD
from monitor.domain.observations import Report

CLAIMS = {
    c.id: c
    for c in (
        Claim(
            id="k5",
            subject="Orla K5, a planned electric scooter",
            status="expected",
            aliases=("Orla K5", "K5 scooter"),
        ),
        Claim(
            id="tarn",
            subject="Orla's Tarn battery plant, under construction",
            status="in-development",
            aliases=("Tarn plant", "Tarn battery plant"),
        ),
        Claim(
            id="vexa",
            subject="Vexa, a drug awaiting a regulator's decision",
            status="unapproved",
            aliases=("Vexa", "vexatinib"),
        ),
        Claim(
            id="m2",
            subject="Orla M2 scooter, on sale",
            status="launched",
            aliases=("Orla M2", "M2 scooter"),
        ),
        Claim(
            id="line9",
            subject="Line 9 tram line, confirmed",
            status="confirmed",
            aliases=("Line 9", "Line 9 tram"),
        ),
    )
}
DETECTOR = Detector(CLAIMS.values(), organizations=("Orla",))


@pytest.mark.parametrize(
    ("claim", "status", "sentence"),
    [
        ("k5", "launched", "The Orla K5 is now on sale across Europe."),
        ("k5", "launched", "Orla has started selling the K5 scooter in Spain."),
        ("k5", "launched", "Customers began receiving the Orla K5 last week."),
        ("k5", "launched", "The Orla K5 arrived in shops on Monday."),
        ("k5", "launched", "Orla rolled out the K5 scooter to buyers in Italy this month."),
        ("k5", "revealed", "Orla showed the K5 scooter to the press in Milan on Tuesday."),
        ("k5", "revealed", "The Orla K5 was unveiled at a Berlin trade fair."),
        ("k5", "revealed", "First pictures of the Orla K5 were released by the company."),
        ("k5", "confirmed", "Orla confirmed the K5 scooter will arrive next year."),
        ("k5", "confirmed", "Orla has officially announced the K5 scooter."),
        ("k5", "cancelled", "Orla has dropped the K5 scooter."),
        ("k5", "cancelled", "The Orla K5 will not be made, the company said."),
        ("k5", "cancelled", "Orla has scrapped plans for the K5 scooter."),
        ("k5", "-", "Orla may drop the K5 scooter, analysts said."),
        ("k5", "-", "Will Orla cancel the K5?"),
        ("k5", "-", "Orla denied reports that it had cancelled the K5 scooter."),
        ("k5", "in-development", "Orla is developing the K5 scooter in Lyon."),
        ("k5", "in-development", "Prototypes of the Orla K5 are being tested in Norway."),
        ("k5", "in-production", "Production of the Orla K5 started in Lyon on Monday."),
        ("k5", "in-production", "The first Orla K5 came off the assembly line on Friday."),
        ("k5", "-", "Orla will start building the K5 in 2027."),
        ("tarn", "in-production", "The Tarn plant has started making battery cells."),
        ("tarn", "in-production", "Cell production is under way at the Tarn plant."),
        ("tarn", "launched", "The Tarn plant opened on Thursday with 300 workers."),
        ("tarn", "cancelled", "Orla has halted construction of the Tarn plant for good."),
        ("tarn", "cancelled", "Orla cancelled the Tarn battery plant."),
        ("tarn", "-", "Construction of the Tarn plant continues on schedule."),
        ("tarn", "-", "Work on the Tarn plant is delayed by three months."),
        ("tarn", "ending", "The Tarn plant will close next year."),
        ("tarn", "discontinued", "The Tarn plant closed its doors for good in May."),
        ("tarn", "discontinued", "Orla has shut down the Tarn battery plant."),
        ("vexa", "approved", "Regulators approved Vexa on Friday."),
        ("vexa", "approved", "Vexa won approval from European regulators."),
        ("vexa", "approved", "The agency has cleared Vexa for use in adults."),
        ("vexa", "approved", "Vexa has been approved in Japan."),
        ("vexa", "unapproved", "The agency rejected Vexa."),
        ("vexa", "-", "The agency turned down an appeal against Vexa's maker."),
        ("vexa", "-", "Regulators will decide on Vexa in June."),
        ("vexa", "launched", "Vexa is now available to patients in Germany."),
        ("vexa", "launched", "Orla launched Vexa in the United States."),
        ("m2", "discontinued", "Orla has stopped selling the M2 scooter."),
        ("m2", "discontinued", "The Orla M2 is no longer on sale."),
        ("m2", "discontinued", "Orla discontinued the M2 scooter in March."),
        ("m2", "ending", "Orla will stop making the M2 scooter at the end of the year."),
        ("m2", "ending", "The M2 scooter is being phased out."),
        ("m2", "-", "Orla cut the price of the M2 scooter."),
        ("m2", "-", "The M2 scooter sold 40,000 units last year."),
        ("line9", "in-development", "Construction began on Line 9 in March."),
        ("line9", "in-development", "Work on the Line 9 tram has started."),
        ("line9", "in-development", "Crews broke ground on Line 9 on Monday."),
        ("line9", "launched", "Line 9 opened to passengers on Sunday."),
        ("line9", "launched", "Line 9 carried its first riders this morning."),
        ("line9", "cancelled", "The city council scrapped Line 9."),
        ("line9", "cancelled", "Line 9 has been cancelled after a budget review."),
        ("line9", "-", "Line 9 will open in 2028."),
        ("line9", "-", "The opening of Line 9 has been pushed back to 2029."),
    ],
)
def test_general_language(claim: str, status: str, sentence: str):
    report = Report(key="p", title=sentence, text="", published="2026-05-10T00:00:00Z")
    seen = {o.claim: o for o in DETECTOR.observe(report)}
    o = seen.get(claim)
    got = o.status if o is not None and o.confidence >= DEFAULT_THRESHOLD else None
    if status == "-":
        assert got in (None, CLAIMS[claim].status), (sentence, got)
    else:
        assert got == status, (sentence, got)
