"""A product tracked market by market ("Pellin Chile", "Pellin Peru", "Pellin Ghana"): the
market word after the shared stem is a place, so "Pellin launched in Peru", "Pellin is now live
in Chile and Ghana" and "to launch Pellin in Chile, Peru and Ghana" name each market's claim.
Two names alone that differ by their last word are as often two versions of one thing ("Vanta
S", "Vanta X") and get no such reading."""

from __future__ import annotations

import pytest

from monitor.detect import Detector
from monitor.domain.claims import Claim
from monitor.domain.observations import Report

CLAIMS = {
    c.id: c
    for c in (
        Claim(
            id="chile",
            subject="Pellin payments app in Chile, planned",
            status="expected",
            aliases=("Pellin Chile",),
        ),
        Claim(
            id="peru",
            subject="Pellin payments app in Peru, planned",
            status="expected",
            aliases=("Pellin Peru",),
        ),
        Claim(
            id="ghana",
            subject="Pellin payments app in Ghana, planned",
            status="expected",
            aliases=("Pellin Ghana",),
        ),
        Claim(
            id="vanta-s",
            subject="Vanta S camera, planned",
            status="expected",
            aliases=("Vanta S",),
        ),
        Claim(
            id="vanta-x",
            subject="Vanta X camera, planned",
            status="expected",
            aliases=("Vanta X",),
        ),
    )
}
DETECTOR = Detector(CLAIMS.values(), organizations=("Pellin Group",))


def _read(sentence: str) -> dict[str, str | None]:
    report = Report(key="r", title=sentence, text="", link="", published="2026-05-01")
    return {o.claim: o.status for o in DETECTOR.observe(report, CLAIMS) if o.status}


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Pellin launched in Peru on Monday.", {"peru": "launched"}),
        ("Pellin is now live in Chile and Ghana.", {"chile": "launched", "ghana": "launched"}),
        (
            "The group launched Pellin in Chile, Peru and Ghana last week.",
            {"chile": "launched", "peru": "launched", "ghana": "launched"},
        ),
        ("Pellin Ghana launched on Monday.", {"ghana": "launched"}),
        # another place is none of them
        ("Pellin launched in Kenya on Monday, after Chile.", {}),
    ],
)
def test_a_market_named_after_its_preposition(sentence: str, expected: dict[str, str]):
    assert _read(sentence) == expected


def test_two_versions_are_not_markets():
    # "Vanta ... in X" is no name of the X camera
    assert _read("Vanta launched in X-ray labs across the country.") == {}


def test_a_market_beside_the_home_claim():
    # the product's bare name is also a claim of its own (its home market, already on sale): a
    # verb told between the name and another market's place reads as that market's
    claims = {
        c.id: c
        for c in (
            Claim(id="home", subject="Rhea seed, on sale", status="launched", aliases=("Rhea",)),
            Claim(
                id="kenya",
                subject="Rhea seed in Kenya, awaiting approval",
                status="unapproved",
                aliases=("Rhea in Kenya",),
            ),
            Claim(
                id="ghana",
                subject="Rhea seed in Ghana, awaiting approval",
                status="unapproved",
                aliases=("Rhea in Ghana",),
            ),
        )
    }
    detector = Detector(claims.values(), organizations=("Rhea Seeds",))
    report = Report(key="r", title="Rhea Approved for Planting in Kenya", text="", link="")
    seen = {o.claim: o.status for o in detector.observe(report, claims) if o.status}
    assert seen == {"kenya": "approved"}
