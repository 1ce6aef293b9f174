"""The detector serves any article: no organisation, product, place or maker lives in its code or
its shipped lexicon, and the organisations of a baseline come from its claims file."""

from __future__ import annotations

import json
import re
from pathlib import Path

from monitor.baseline import claims_of
from monitor.detect import Detector
from monitor.detect.organizations import fill_org_slots, organizations_of
from monitor.domain.observations import Report

ROOT = Path(__file__).resolve().parents[1]
DETECT = ROOT / "monitor" / "detect"
SHIPPED = ROOT / "events" / "src" / "bmw-neue-klasse-2024.claims.json"
# Makers of the things people track (cars, aircraft, phones, drugs, rockets): none may appear.
MAKERS = [
    "BMW",
    "Mercedes",
    "Audi",
    "Porsche",
    "Volkswagen",
    "Tesla",
    "Toyota",
    "Honda",
    "Hyundai",
    "Ford",
    "Chevrolet",
    "Lincoln",
    "Nissan",
    "Volvo",
    "Polestar",
    "Rivian",
    "Lucid",
    "BYD",
    "Stellantis",
    "Renault",
    "Peugeot",
    "Ferrari",
    "Alpina",
    "Boeing",
    "Airbus",
    "Embraer",
    "Joby",
    "Archer",
    "Volocopter",
    "EHang",
    "Apple",
    "Samsung",
    "Google",
    "Xiaomi",
    "Huawei",
    "Pfizer",
    "Novartis",
    "Roche",
    "Lilly",
    "Novo",
    "Moderna",
    "SpaceX",
    "Arianespace",
    "ULA",
    "Kestrel",
    "Munich",
]


def _detector_text() -> str:
    parts = [p.read_text(encoding="utf-8") for p in sorted(DETECT.glob("*.py"))]
    parts.append((DETECT / "lexicon.json").read_text(encoding="utf-8"))
    return "\n".join(parts).lower()


def _words_of(names: list[str]) -> set[str]:
    out: set[str] = set()
    for name in names:
        for w in re.findall(r"[A-Za-z][A-Za-z0-9]+", name):
            # names that mix cases or digits ("iX3", "NA3") or are capitalised brands
            if any(c.isdigit() for c in w) or (w[0].isupper() and w.lower() not in COMMON):
                out.add(w.lower())
    return out


# capitalised words of the shipped claims that are ordinary English, not names
COMMON = set(
    [
        "the",
        "a",
        "an",
        "and",
        "of",
        "for",
        "with",
        "by",
        "to",
        "in",
        "at",
        "on",
        "new",
        "first",
        "electric",
        "series",
        "coupe",
        "convertible",
        "sedan",
        "touring",
        "wagon",
        "class",
        "klasse",
        "model",
        "models",
        "china",
        "chinese",
        "long",
        "wheelbase",
        "lwb",
        "two",
        "door",
        "ev",
        "evs",
        "suv",
        "m",
        "convertible",
        "goal",
        "target",
        "half",
        "sales",
        "group",
        "coup",
    ]
)


def test_no_maker_or_tracked_name_in_the_detector():
    text = _detector_text()
    doc = json.loads(SHIPPED.read_text(encoding="utf-8"))
    names = [n for c in doc["claims"] for n in (*c.get("aliases", ()), *c.get("lookalikes", ()))]
    names += doc["article"].get("organizations", [])
    banned = _words_of(names) | {m.lower() for m in MAKERS}
    found = sorted(
        w for w in banned if re.search(rf"(?<![a-z0-9]){re.escape(w)}(?![a-z0-9])", text)
    )
    assert found == []


def test_organisations_come_from_the_file_or_the_subjects():
    claims = claims_of(SHIPPED)
    assert organizations_of(claims.values()) == ("BMW", "BMW Group")
    plain = [c.__class__(c.id, c.subject, c.status) for c in claims.values()]
    assert "BMW" in organizations_of(plain)  # most subjects open on it
    assert fill_org_slots(["{org} said", "officially"], ["Corvid"]) == ["Corvid said", "officially"]
    assert fill_org_slots(["{org} said"], []) == []


def _one_claim(org_in_file: bool) -> Detector:
    from monitor.domain.claims import Claim, Source

    src = Source(organizations=("Corvid",) if org_in_file else ())
    claim = Claim(
        "q7", "Corvid's Q7 delivery drone", "expected", aliases=("Q7", "delivery drone"), source=src
    )
    return Detector([claim])


def _status(detector: Detector, text: str) -> str | None:
    obs = detector.observe(Report(key="r", title=text, text="", lang="en", published="2026-01-01"))
    return obs[0].status if obs and obs[0].confidence >= 0.7 else None


def test_the_baselines_own_company_is_not_another_maker():
    d = _one_claim(org_in_file=True)
    assert _status(d, "Corvid has cancelled its delivery drone") == "cancelled"
    assert _status(d, "Corvid's delivery drone has been cancelled") == "cancelled"


def test_another_owner_is_read_from_the_words_not_a_list():
    d = _one_claim(org_in_file=True)
    assert _status(d, "Northwind has cancelled its delivery drone") is None
    assert _status(d, "Northwind's delivery drone has been cancelled") is None
    assert _status(d, "The Northwind delivery drone has been cancelled") is None
