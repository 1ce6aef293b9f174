"""The general language of each status, in sentences of our own about a fictional company in
several fields: what a user's own article will meet. "-" means no change (a hedge, a question, a
denial, a plan, a corroboration). Written before the cues they needed were added; a cue enters
the lexicon with a sentence here (or in tests/data/baselines/own-kestrel/) that needs it.

Known misses, left as they are: "abandoned the K5 project" (the name is "K5" alone, no alias),
"is now building the K5" (building: a plant's construction or a product's production?), "the
plant began operating" (read as launched; a factory's labeller may say in-production), "the
first trams ran on Line 9" and "tunnelling for Line 9 began" (a field's own verbs), "Here is the
K5" (a presentation), "Orla says the K5 is coming in 2027" (a plan told by the owner, read only
as expected), "Line 9 is open" (too bare to tell from "open to offers"). "Working on the K5" is
only a weak sign of development (work on a new model may be research): alone it changes nothing.
"Orla cancelled the K5 scooter's launch event" still reads as a cancellation (the launch is one of
the subject's own events; the event after it is not told apart). Also missed: "is up and running"
(a plant's production or a service's launch?), "regulator backs Vexa" (backing is also an advisory
panel's), "Goodbye, Orla M2: the scooter is no more" (a farewell across a colon), "passengers rode
Line 9 for the first time", "gave the K5 a 2027 launch date" (a date given is a plan's
confirmation only to a careful reader), "the K5 will not be made in China" (a local change read
as the whole: a place after an ending usually names where it ended, "production ended in Graz").
Also: "Since its launch in March, the Orla K5 has sold..." (a fronted phrase whose "its" points
forward), "Nordmart is gone: its last store closed" (a farewell, then "its" across a colon),
"Norway granted Orla its operating licence" (a licence named by its parts far apart), "Brisk
walked away from its planned merger with Orla" (a pair's two names more than four words apart),
"The agency said no to Vexa" (a cue opening with "said" makes every "Orla said" be matched twice).
"The Line 9 tram trial will end the debate" reads as Line 9 ending (a name before a verb that has
an object of its own is the agent only when it stands right before the verb).
Left out after trying them on the labelled sets: plain "began" and "ended" ("the services began
in May" in a report of their end; "the first launch ... ended in a partial failure"), "is over"
("the wait is over: ..."), "is off" ("is off to a record pace"), "is here" (a reveal to one
writer, a launch to another) and "ships" (a noun in half the fields). A debut, a premiere or an
introduction "in" a city reads as a showing, so "the tour premieres tonight in Oslo" is missed.
"""

from __future__ import annotations

from dataclasses import replace

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
            id="nord",
            subject="Nordmart chain, closing all its stores",
            status="ending",
            aliases=("Nordmart", "Nordmart stores"),
        ),
        Claim(
            id="norway",
            subject="Orla's scooter rental service in Norway, planned",
            status="expected",
            aliases=("Orla in Norway", "Orla Norway service"),
        ),
        Claim(
            id="permit",
            subject="Orla's operating licence in Norway, applied for",
            status="unapproved",
            aliases=("Orla licence in Norway", "Orla Norway licence"),
        ),
        Claim(
            id="skua",
            subject="Skua, a ferry being built for Orla",
            status="in-development",
            aliases=("Skua", "Skua ferry"),
        ),
        Claim(
            id="hall",
            subject="Harbour Hall, closed for renovation, to reopen",
            status="confirmed",
            aliases=("Harbour Hall",),
        ),
        Claim(
            id="merger",
            subject="Orla's takeover of Brisk, awaiting regulators",
            status="unapproved",
            aliases=("Orla-Brisk deal", "Orla-Brisk merger", "Orla's takeover of Brisk"),
        ),
        Claim(
            id="route",
            subject="Orla's ferry service between Tromso and Bodo, running",
            status="launched",
            aliases=("Tromso-Bodo ferry", "Tromso-Bodo service"),
        ),
        Claim(
            id="line9",
            subject="Line 9 tram line, confirmed",
            status="confirmed",
            aliases=("Line 9", "Line 9 tram"),
        ),
        Claim(
            id="bill",
            subject="Clean Streets Bill, a city congestion charge, before the assembly",
            status="expected",
            aliases=("Clean Streets Bill", "Clean Streets Act"),
        ),
        Claim(
            id="tour",
            subject="Marla Vey's Tidewave Tour, dates announced",
            status="confirmed",
            aliases=("Tidewave Tour",),
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
        ("k5", "launched", "The K5 scooter dropped on Friday."),
        # "planned" before its noun describes it; after the verb's object it makes a plan
        ("k5", "cancelled", "Orla scraps planned K5 scooter"),
        ("k5", "-", "The first K5 scooter launch planned for July was cancelled."),
        # "will ... today": it happens on the report's own day
        ("k5", "launched", "The K5 scooter will be released today in Oslo."),
        ("k5", "-", "The K5 scooter will be released tomorrow."),
        ("k5", "launched", "The K5 scooter is out in Spain today."),
        ("k5", "-", "The K5 scooter is out of stock."),
        ("norway", "launched", "Riders can now use the Orla Norway service across Oslo."),
        ("norway", "launched", "The Orla Norway service is now open to all riders."),
        # people the name only qualifies do the verb: "owners of the K5 can now use ..."
        ("k5", "-", "Owners of the K5 scooter can now use the Nordmart network."),
        ("tarn", "cancelled", "Orla cancelled plans to build the Tarn battery plant."),
        ("tarn", "-", "Orla cancelled plans to expand the Tarn battery plant."),
        # what is revealed is a date, a cast: not the subject itself
        ("hall", "-", "The opening date for Harbour Hall has been revealed."),
        ("hall", "-", "Harbour Hall reveals full cast for its first season"),
        ("hall", "launched", "Harbour Hall was handed over on schedule."),
        ("line9", "launched", "The first Line 9 trams have gone into operation."),
        ("line9", "-", "The Line 9 trams will go into operation in May."),
        ("k5", "cancelled", "Orla announced the termination of its K5 scooter program."),
        ("k5", "cancelled", "Orla has stopped most development of the K5 scooter."),
        ("k5", "cancelled", "Orla has decided to discontinue the development of the K5 scooter."),
        # a participle before the noun it describes names other things
        ("k5", "-", "The K5 scooter did better in tests than currently approved rival scooters."),
        ("k5", "launched", "Orla officially launched its K5 scooter."),
        ("vexa", "-", "Setback: regulator halts Vexa study after one case"),
        ("norway", "launched", "The Orla Norway service is live."),
        ("norway", "-", "Orla hopes the Orla Norway service will be live by May."),
        ("tarn", "approved", "Regulators approve ₹10,601 crore Tarn battery plant"),
        # a list inside a relative clause is not the subject of the verb after it
        (
            "k5",
            "-",
            "Brisk, a firm whose brands include the K5 scooter and the M2 scooter, on Thursday "
            "announced the purchase of a bike maker.",
        ),
        # a business sold off goes on under its new owner
        ("m2", "-", "Orla has sold off the M2 scooter business to Brisk."),
        # announced first, approved later (a tram line, a road, a drug, a law)
        ("line9", "approved", "The regulator approved Line 9 on Monday."),
        ("line9", "approved", "The Line 9 tram was given the green light by the council."),
        ("k5", "launched", "Orla debuted its K5 scooter in the US this week."),
        ("k5", "confirmed", "Orla announces release date for its new K5 scooter."),
        ("k5", "confirmed", "Orla has set a launch date for the K5 scooter: June 3."),
        ("k5", "confirmed", "The Orla K5 finally has a release date."),
        ("k5", "-", "Orla has not set a release date for the K5 scooter."),
        ("k5", "cancelled", "The K5 scooter was dropped on Friday."),
        ("k5", "launched", "The K5 scooter debuted at No. 1 in the sales charts."),
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
        ("k5", "launched", "Orla K5 goes on sale in France"),
        ("k5", "launched", "You can now buy the Orla K5 in Spain."),
        ("k5", "launched", "Orla began deliveries of the K5 scooter in April."),
        ("k5", "launched", "The K5 scooter is available now for 2,499 euros."),
        ("k5", "launched", "Orla launches K5 scooter in Germany"),
        ("k5", "launched", "The Orla K5 has finally hit the streets."),
        ("k5", "revealed", "Orla takes the wraps off the K5 scooter"),
        ("k5", "revealed", "Orla pulled the covers off the K5 scooter at a Paris show."),
        ("k5", "revealed", "Orla K5 revealed with 80 km range"),
        ("k5", "confirmed", "It's official: the Orla K5 is coming."),
        ("k5", "confirmed", "Orla confirms K5 scooter for 2027"),
        ("k5", "cancelled", "Orla kills K5 scooter"),
        ("k5", "cancelled", "The K5 scooter project has been shelved indefinitely."),
        ("k5", "cancelled", "Orla pulls the plug on the K5 scooter"),
        ("k5", "cancelled", "Orla K5 axed amid weak demand"),
        ("k5", "cancelled", "Orla has put the K5 scooter on hold indefinitely."),
        ("k5", "-", "Orla says the K5 scooter is not cancelled."),
        ("k5", "-", "Orla insists the K5 scooter is still coming."),
        ("k5", "-", "Rumours that Orla axed the K5 are false, the company said."),
        ("k5", "-", "Could Orla scrap the K5 scooter?"),
        ("k5", "-", "The K5 scooter could be delayed, sources say."),
        ("k5", "-", "Orla has no plans to cancel the K5."),
        ("k5", "in-development", "Orla is testing the K5 scooter on public roads."),
        ("k5", "-", "Engineers are still working on the K5 scooter."),
        ("tarn", "in-production", "The Tarn plant is now producing cells for Orla's scooters."),
        ("tarn", "in-production", "Mass production began at the Tarn plant this month."),
        ("tarn", "in-production", "The Tarn plant shipped its first cells in March."),
        ("tarn", "launched", "Orla officially opened the Tarn battery plant on Friday."),
        ("tarn", "launched", "The Tarn plant was inaugurated by the prime minister."),
        ("tarn", "cancelled", "Orla will not complete the Tarn plant."),
        ("tarn", "cancelled", "The Tarn battery plant project was called off."),
        ("tarn", "cancelled", "Orla has abandoned plans for the Tarn plant."),
        ("tarn", "-", "The Tarn plant is expected to open in 2027."),
        ("tarn", "-", "The Tarn plant is nearly finished."),
        ("vexa", "approved", "Vexa gets the green light in Europe"),
        ("vexa", "approved", "The agency granted approval for Vexa on Monday."),
        ("vexa", "approved", "Vexa is now approved for use in children."),
        ("vexa", "approved", "Vexa received marketing authorisation in the EU."),
        ("vexa", "unapproved", "The agency declined to approve Vexa."),
        ("vexa", "unapproved", "Regulators refused to approve Vexa."),
        ("vexa", "unapproved", "Vexa was turned down by the agency."),
        ("vexa", "-", "Vexa is still under review."),
        ("vexa", "-", "Vexa has not yet been approved."),
        ("vexa", "-", "An advisory panel will discuss Vexa next month."),
        ("m2", "discontinued", "Orla has quietly dropped the M2 scooter from its range."),
        ("m2", "discontinued", "The M2 scooter has been withdrawn from sale."),
        ("m2", "discontinued", "Orla has ended production of the M2 scooter."),
        ("m2", "discontinued", "The last M2 scooter was built in June."),
        ("m2", "discontinued", "Orla retired the M2 scooter last month."),
        ("m2", "ending", "Orla plans to discontinue the M2 scooter next year."),
        ("m2", "ending", "The M2 scooter will be discontinued in 2027."),
        ("m2", "ending", "The M2 scooter is on its way out."),
        # a gapped cue's last word in the plural: "withdrew ... applications"
        ("vexa", "cancelled", "Orla withdrew its applications for Vexa and two other drugs."),
        ("vexa", "cancelled", "The makers of Vexa have withdrawn their bid for approval."),
        ("vexa", "cancelled", "Orla has withdrawn its bids for Vexa."),
        ("vexa", "cancelled", "The company is withdrawing its application for Vexa."),
        # a closure told as a noun: announced, or past when something follows it
        ("tarn", "ending", "Orla announced the closure of the Tarn plant."),
        ("nord", "discontinued", "Shoppers drifted away after the closure of Nordmart."),
        ("hall", "-", "The temporary closure of Harbour Hall ends in May."),
        ("k5", "-", "Orla announced the closure of the K5 scooter pilot in Oslo."),
        # "due to" a cause is no plan; "soon after" is no time to come
        ("hall", "cancelled", "Harbour Hall was cancelled due to the storm."),
        ("tour", "cancelled", "The Tidewave Tour was called off due to concerns about safety."),
        ("k5", "-", "The K5 scooter is due to launch in May."),
        ("k5", "cancelled", "The news comes soon after Orla scrapped the K5 scooter."),
        # a feature of a subject is not the subject
        ("m2", "-", "A new M2 scooter feature was cancelled last week."),
        ("k5", "-", "The K5 scooter is close to being cancelled, insiders say."),
        # an approval told as a noun, given or only asked for
        ("merger", "approved", "The regulator announced approval of the Orla-Brisk merger."),
        ("vexa", "approved", "The approval of Vexa came on Friday."),
        ("vexa", "-", "Orla filed for approval of Vexa in May."),
        ("vexa", "-", "Orla is working toward approval of Vexa."),
        ("vexa", "-", "Orla set a target for agency approval of Vexa next year."),
        # off air, ceased, a service closed
        ("route", "discontinued", "The Tromso-Bodo service went off air after 40 years."),
        ("tarn", "discontinued", "The Tarn plant ceased operations in May."),
        ("m2", "discontinued", "Production of the M2 scooter has ceased."),
        ("route", "discontinued", "Tromso-Bodo Service Ceased After 40 Years"),
        ("nord", "-", "Nordmart ceased to be the largest chain in Oslo."),
        ("route", "discontinued", "Orla closed its Tromso-Bodo service in May."),
        # a gig at a venue is not the venue
        ("hall", "-", "Marla Vey cancels sold-out Harbour Hall gig"),
        # an aside between commas splits no clause
        ("k5", "cancelled", "The K5 scooter, meanwhile, was cancelled in May."),
        ("k5", "cancelled", "The K5 scooter, however, has been cancelled."),
        # an end under way or decided
        ("hall", "ending", "Orla is shutting down Harbour Hall."),
        ("hall", "ending", "Orla has decided to close Harbour Hall."),
        # an assembly passes a bill; what is passed to someone is handed on
        ("bill", "approved", "City council passes Clean Streets Bill"),
        ("bill", "approved", "The assembly passed the Clean Streets Bill on Tuesday."),
        ("k5", "-", "Orla passed the K5 scooter to a partner."),
        ("bill", "launched", "The city began enforcing the Clean Streets Act in May."),
        # a head that is a cue of its own ("concluded") and of a longer gapped one
        ("merger", "launched", "Orla has concluded its merger with Brisk."),
        ("tour", "discontinued", "The Tidewave Tour concluded in Oslo on Sunday."),
        # what a company weighs is not done
        ("m2", "-", "Orla is weighing ending production of the M2 scooter."),
        ("m2", "-", "Orla is considering discontinuing the M2 scooter, sources say."),
        # a plan word after the verb's object tells the object's old date
        ("tour", "cancelled", "Marla Vey is cancelling her Tidewave Tour scheduled for May."),
        # winding down is an end under way; wound down, one that is over
        ("m2", "ending", "Orla is winding down the M2 scooter."),
        ("m2", "discontinued", "Orla has wound down the M2 scooter."),
        ("m2", "-", "Orla has updated the M2 scooter with a bigger battery."),
        ("m2", "-", "The M2 scooter remains on sale."),
        ("line9", "in-development", "Line 9 is now under construction."),
        ("line9", "launched", "Line 9 welcomed its first passengers on Sunday."),
        ("line9", "launched", "Line 9 entered service on Monday."),
        ("line9", "cancelled", "Line 9 has been axed by the new city council."),
        ("line9", "cancelled", "The city has abandoned Line 9."),
        ("line9", "-", "Line 9 will not open before 2029."),
        ("line9", "-", "The city council debated Line 9 on Monday."),
        ("k5", "-", "Orla's rival Zeta launched its own scooter, a competitor to the K5."),
        ("k5", "-", "Unlike the K5 scooter, the Zeta Z1 is already on sale."),
        ("k5", "-", "The K5 scooter will not go on sale until 2027."),
        ("k5", "-", "Orla has not yet started production of the K5 scooter."),
        ("k5", "-", "If approved, the K5 scooter would go on sale in 2027."),
        ("k5", "-", "Orla is expected to reveal the K5 scooter in May."),
        ("k5", "-", "Orla plans to unveil the K5 scooter next month."),
        ("k5", "-", "The K5 scooter was first announced in 2024."),
        (
            "k5",
            "-",
            "Reports that Orla has cancelled the K5 scooter are wrong, a spokesperson said.",
        ),
        ("k5", "-", "Orla's chief executive rode a K5 scooter prototype at the trade fair."),
        ("k5", "-", "Analysts think Orla could launch the K5 scooter next year."),
        ("k5", "-", "Why Orla should cancel the K5 scooter"),
        ("k5", "-", "Orla launched a new app for K5 scooter owners-to-be."),
        ("k5", "-", "Orla unveiled the price of the K5 scooter on Monday."),
        ("k5", "-", "The K5 scooter's launch has been pushed back to 2028."),
        (
            "k5",
            "-",
            "Orla revealed sales figures for its scooters, including early orders for the K5.",
        ),
        ("k5", "-", "Orla approved a bonus for the K5 scooter team."),
        (
            "k5",
            "confirmed",
            "Orla confirmed on Monday that the K5 scooter will go on sale next year.",
        ),
        ("k5", "cancelled", "Orla said on Monday it had cancelled the K5 scooter."),
        ("k5", "revealed", "The K5 scooter, unveiled on Monday, has a range of 80 km."),
        ("k5", "cancelled", "After months of doubt, Orla has cancelled the K5 scooter."),
        ("m2", "-", "The M2 scooter, launched in 2023, gets a new colour."),
        ("m2", "-", "Orla launched the M2 scooter in 2023."),
        ("m2", "-", "Orla stopped the M2 scooter's advertising campaign."),
        ("m2", "-", "Sales of the M2 scooter ended the year up 12 percent."),
        ("tarn", "-", "The mayor opened a road to the Tarn plant on Monday."),
        ("tarn", "-", "Orla will decide on a second line at the Tarn plant next year."),
        ("tarn", "-", "A strike closed the Tarn plant for two days."),
        ("tarn", "-", "Orla shut down part of the Tarn plant for maintenance."),
        ("vexa", "-", "The agency approved a rival drug to Vexa on Friday."),
        ("vexa", "-", "The agency approved Zorel, a rival to Vexa."),
        ("vexa", "-", "Vexa's maker said it hopes to win approval next year."),
        ("vexa", "-", "The agency rejected claims that Vexa is unsafe."),
        ("line9", "-", "The council approved the budget for Line 9 maintenance staff."),
        ("line9", "-", "Line 9 trams will run every five minutes once it opens."),
        ("line9", "-", "Line 9 was closed for two hours after a power cut."),
        ("nord", "discontinued", "Nordmart closed all 300 of its stores in March."),
        ("nord", "discontinued", "Nordmart shuttered its last stores on Friday."),
        ("nord", "discontinued", "Nordmart went out of business in May after 60 years."),
        ("nord", "discontinued", "Nordmart has shut its doors for good."),
        ("nord", "discontinued", "The Nordmart chain ceased trading on Saturday."),
        ("nord", "-", "Nordmart will close 40 more stores next year."),
        ("nord", "-", "Nordmart is closing stores across the north."),
        ("nord", "-", "A Nordmart store in Lund closed for the day after a flood."),
        ("nord", "-", "Nordmart shuttered 40 more stores on Friday."),
        ("nord", "discontinued", "Nordmart closed all 300 of its stores in March."),
        ("norway", "launched", "Orla launches in Norway with 500 scooters"),
        ("norway", "launched", "Orla has launched in Norway, starting in Oslo and Bergen."),
        ("k5", "cancelled", "Orla K5 and M9 scooters cancelled"),
        ("k5", "cancelled", "Orla has cancelled both the K5 scooter and its planned M9 sibling."),
        ("k5", "cancelled", "The K5 scooter and the M9 have been scrapped."),
        ("k5", "cancelled", "Orla said the K5 scooter had been cancelled."),
        ("k5", "cancelled", "The K5 scooter, Orla said on Monday, has been cancelled."),
        ("k5", "cancelled", "According to Orla, the K5 scooter has been cancelled."),
        ("k5", "cancelled", "In a statement, Orla confirmed it has cancelled the K5 scooter."),
        ("k5", "cancelled", "Orla K5: cancelled"),
        ("k5", "cancelled", "Cancelled: the Orla K5"),
        ("k5", "revealed", "Orla's K5 scooter breaks cover"),
        ("k5", "revealed", "First look: Orla K5 scooter"),
        ("k5", "launched", "The wait is over: the Orla K5 is on sale"),
        ("k5", "confirmed", "Orla confirmed plans to build the K5 scooter."),
        ("k5", "approved", "Orla has given the K5 scooter the go-ahead for 2027."),
        ("k5", "-", "Orla is considering whether to build the K5 scooter."),
        ("k5", "-", "Orla has not said when the K5 scooter will go on sale."),
        ("k5", "-", "Orla did not confirm the K5 scooter."),
        ("k5", "-", "Orla declined to comment on the K5 scooter."),
        ("k5", "in-development", "The K5 scooter is said to be in development."),
        ("k5", "-", "Orla might unveil the K5 scooter later this year."),
        ("k5", "-", "Orla is reportedly close to approving the K5 scooter."),
        ("k5", "-", "Orla's K5 scooter: everything we know so far"),
        ("k5", "-", "The K5 scooter will be unveiled next week."),
        ("k5", "-", "The K5 scooter will be cheaper than the M2, Orla said."),
        ("tarn", "in-production", "Output at the Tarn battery plant started in April."),
        ("tarn", "in-production", "The Tarn plant reached full production in May."),
        ("tarn", "-", "Orla hired 200 more staff for the Tarn plant."),
        ("tarn", "-", "Orla expects the Tarn plant to start production next year."),
        ("vexa", "approved", "Vexa approved by European regulator"),
        ("vexa", "approved", "The drug Vexa received approval on Tuesday."),
        ("vexa", "-", "Vexa trial meets its main goal."),
        ("vexa", "-", "The agency is expected to approve Vexa in June."),
        ("m2", "discontinued", "Orla M2 scooter discontinued"),
        ("m2", "-", "Orla M2 scooter gets a price cut"),
        ("line9", "launched", "Line 9 opens to the public"),
        ("line9", "-", "Line 9 opening delayed to 2029"),
        ("line9", "-", "Line 9 will not open on time."),
        ("k5", "confirmed", "Orla has announced plans to build the K5 scooter."),
        ("k5", "confirmed", "Orla unveiled plans for the K5 scooter on Monday."),
        ("k5", "confirmed", "Orla has committed to building the K5 scooter."),
        ("k5", "cancelled", "Orla is no longer developing the K5 scooter."),
        ("k5", "cancelled", "Orla said it would not go ahead with the K5 scooter."),
        ("k5", "cancelled", "Orla has walked away from the K5 scooter."),
        ("k5", "cancelled", "The K5 scooter has been canned."),
        ("k5", "cancelled", "Orla has killed off the K5 scooter."),
        ("k5", "-", "Orla has no plans to kill off the K5 scooter."),
        ("k5", "-", "Orla would not say whether the K5 scooter will be cancelled."),
        ("k5", "-", "The K5 scooter's cancellation would hurt Orla's suppliers, analysts said."),
        ("k5", "revealed", "Orla presented the K5 scooter at the Milan show."),
        ("k5", "revealed", "Orla has shown the K5 scooter for the first time."),
        ("k5", "revealed", "The K5 scooter made its first public appearance in Milan."),
        ("k5", "launched", "The Orla K5 is now available in Germany."),
        ("k5", "launched", "Orla has started taking orders for the K5 scooter."),
        ("k5", "launched", "Orla has opened orders for the K5 scooter."),
        ("tarn", "launched", "The Tarn plant officially opened on Friday."),
        (
            "tarn",
            "in-production",
            "The first battery cells were produced at the Tarn plant on Monday.",
        ),
        ("tarn", "cancelled", "Orla has pulled out of the Tarn plant project."),
        ("tarn", "-", "The Tarn plant will start making cells in 2027."),
        ("vexa", "approved", "The agency signed off on Vexa on Friday."),
        ("vexa", "approved", "Vexa was granted approval in Canada."),
        ("vexa", "approved", "Regulators have authorised Vexa for adults."),
        ("vexa", "unapproved", "Vexa's application was rejected by the agency."),
        (
            "vexa",
            "-",
            "Orla applied for approval of Vexa in Japan, where it is already sold in one form.",
        ),
        ("vexa", "launched", "Vexa went on sale in pharmacies on Monday."),
        ("m2", "ending", "Orla will discontinue the M2 scooter in June."),
        ("m2", "ending", "Production of the M2 scooter will end next year."),
        ("m2", "ending", "Orla will end M2 scooter sales in the autumn."),
        ("line9", "ending", "Line 9 tram service will end in December."),
        ("m2", "discontinued", "Production of the M2 scooter ended last month."),
        ("m2", "discontinued", "Orla has stopped making the M2 scooter."),
        ("line9", "in-development", "Construction of Line 9 is under way."),
        ("line9", "launched", "Line 9 began carrying passengers on Sunday."),
        ("line9", "cancelled", "The city has dropped plans for Line 9."),
        ("line9", "-", "The city plans to open Line 9 in 2029."),
        ("tarn", "launched", "Orla opened the Tarn battery plant last week."),
        ("tarn", "-", "The Tarn plant opened a visitor centre on Friday."),
        ("tarn", "-", "Orla opened talks with unions at the Tarn plant."),
        ("line9", "launched", "Line 9 is officially open."),
        ("line9", "-", "Shops along Line 9 will close early when the line opens."),
        ("k5", "-", "The city opened a road to the K5 scooter test track."),
        ("tarn", "-", "The Tarn plant will be closed through Wednesday after a fire alarm."),
        ("line9", "-", "Line 9 was temporarily closed after a power cut."),
        ("permit", "approved", "Norway grants operating licence to Orla"),
        ("permit", "-", "Norway delays decision on operating licence for Orla"),
        ("k5", "-", "Orla rejected claims that the K5 scooter is unsafe."),
        ("k5", "-", "Orla opened a new office to support the K5 scooter."),
        ("k5", "-", "The K5 scooter's designers walked away from the company last year."),
        ("k5", "-", "Shares rose after Orla reached a deal with its bankers."),
        ("k5", "-", "The K5 scooter team is working on a bigger battery."),
        ("k5", "-", "Orla pulled out of the Milan show where the K5 scooter was due to appear."),
        ("k5", "-", "A prototype of the K5 scooter is being tested, a rival said."),
        ("tarn", "-", "Orla shuttered its old Lyon plant as the Tarn plant nears completion."),
        ("tarn", "-", "Orla closed all its offices in Tarn for the holiday."),
        ("vexa", "-", "The agency rejected the claim that Vexa causes headaches."),
        ("vexa", "-", "Investors who backed Vexa went out of business."),
        ("line9", "-", "Line 9 construction workers went on strike."),
        ("line9", "-", "The city reached a deal with the union that runs Line 4."),
        ("m2", "-", "Orla stopped selling spare parts for the M2 scooter's older model."),
        ("skua", "launched", "Orla took delivery of the Skua ferry on Friday."),
        ("skua", "launched", "The Skua was delivered to Orla at the yard on Monday."),
        ("skua", "launched", "Orla takes delivery of the Skua, its first electric ferry."),
        ("skua", "-", "Orla expects to take delivery of the Skua in June."),
        ("skua", "-", "Delivery of the Skua has been pushed back to June."),
        ("skua", "launched", "The Skua ferry entered service on the northern route this week."),
        ("skua", "launched", "The Skua carried its first passengers on Saturday."),
        (
            "skua",
            "launched",
            "The Skua, which entered service in May, has already carried 40,000 passengers.",
        ),
        ("skua", "-", "The Skua was floated out of the building dock on Tuesday."),
        ("hall", "launched", "Harbour Hall reopened to the public on Saturday."),
        ("hall", "launched", "Harbour Hall has reopened after two years of work."),
        ("hall", "-", "Harbour Hall will reopen in May, the city said."),
        (
            "hall",
            "launched",
            "Harbour Hall, which reopened in March, drew 80,000 visitors in its first month.",
        ),
        ("hall", "launched", "Harbour Hall is now open again."),
        ("hall", "launched", "Visitors returned to Harbour Hall as it reopened on Saturday."),
        ("tarn", "launched", "The Tarn plant, which is now open, employs 300 people."),
        ("tarn", "in-production", "Orla has begun cell production at the Tarn plant."),
        ("tarn", "in-production", "The Tarn plant is now producing battery cells."),
        ("line9", "launched", "Line 9 is now operational."),
        ("line9", "launched", "Line 9, which opened in March, carries 20,000 riders a day."),
        ("k5", "cancelled", "Orla pulled the plug on the K5 scooter."),
        ("k5", "launched", "The Orla K5, which went on sale in March, has sold 30,000 units."),
        (
            "k5",
            "launched",
            "Sales of the Orla K5 have been strong since it reached shops in March.",
        ),
        ("k5", "in-production", "The Orla K5 entered production in Lyon last week."),
        ("k5", "in-production", "The Orla K5 is now in production."),
        ("vexa", "approved", "Vexa gains approval in Europe."),
        ("vexa", "approved", "Vexa gets the green light from European regulators."),
        ("vexa", "approved", "Vexa received approval from the agency on Friday."),
        ("vexa", "unapproved", "The agency refused to approve Vexa for children."),
        ("nord", "discontinued", "Nordmart shut its remaining 40 stores in March."),
        ("nord", "discontinued", "Nordmart closed the last of its stores in March."),
        ("nord", "discontinued", "Nordmart closed all its stores this year."),
        ("nord", "-", "Nordmart closed 12 stores in March and will close the rest by June."),
        ("permit", "approved", "Orla received its licence in Norway on Friday."),
        ("norway", "launched", "Orla began operating in Norway on Monday."),
        ("nord", "-", "Another 40 Nordmart stores closed for good on Monday."),
        ("nord", "-", "120 Nordmart stores shut their doors for good in April."),
        ("nord", "discontinued", "The remaining 40 Nordmart stores closed for good on Monday."),
        ("nord", "discontinued", "All 300 Nordmart stores have closed for good."),
        ("k5", "cancelled", "Orla has shelved the K5 scooter indefinitely."),
        ("k5", "cancelled", "Orla axed the K5 scooter last week."),
        ("k5", "cancelled", "The Orla K5 has been put on ice."),
        ("k5", "cancelled", "Orla called off the K5 scooter project."),
        ("k5", "cancelled", "Orla abandoned the K5 scooter after poor tests."),
        ("k5", "cancelled", "The Orla K5 is dead, the company confirmed."),
        ("k5", "cancelled", "Orla killed off the K5 scooter before it reached shops."),
        ("k5", "revealed", "Orla took the wraps off the K5 scooter on Tuesday."),
        ("k5", "revealed", "Orla pulled the covers off the K5 scooter in Milan."),
        ("k5", "revealed", "Orla showcased the K5 scooter at a Paris fair."),
        ("k5", "revealed", "Orla debuted the K5 scooter at a Paris fair."),
        ("k5", "-", "Orla teased the K5 scooter in a short video."),
        ("k5", "launched", "Orla kicked off sales of the K5 scooter in Spain."),
        ("k5", "launched", "Orla made the K5 scooter available in Spain on Monday."),
        ("k5", "launched", "The Orla K5 can now be bought in Spain."),
        ("k5", "in-development", "Orla has begun testing the K5 scooter on public roads."),
        ("m2", "discontinued", "Orla pulled the M2 scooter from sale in March."),
        ("m2", "discontinued", "Orla withdrew the M2 scooter from the market."),
        ("m2", "discontinued", "The Orla M2 has been retired."),
        ("m2", "ending", "Orla is winding down production of the M2 scooter."),
        ("m2", "discontinued", "Orla ended production of the M2 scooter in May."),
        ("m2", "-", "Orla ended its partnership with the M2 scooter's battery maker."),
        ("tarn", "in-development", "The Tarn plant is under construction."),
        ("tarn", "cancelled", "Orla mothballed the Tarn plant before it was finished."),
        ("tarn", "discontinued", "The Tarn plant was decommissioned in May."),
        ("vexa", "approved", "Regulators signed off on Vexa on Friday."),
        ("vexa", "approved", "The agency gave Vexa the go-ahead."),
        ("vexa", "approved", "Vexa got the nod from European regulators."),
        ("vexa", "-", "The agency will rule on Vexa by June."),
        ("vexa", "-", "Orla expects Vexa to be approved this year."),
        ("line9", "cancelled", "The city scrapped Line 9."),
        ("line9", "-", "Line 9 is on track to open in 2027."),
        ("hall", "-", "Harbour Hall remains closed for renovation."),
        ("skua", "-", "The Skua completed sea trials on Monday."),
        ("nord", "discontinued", "Nordmart has closed for good."),
        ("nord", "-", "Nordmart is closing 20 more stores."),
        ("permit", "approved", "Orla won its licence in Norway."),
        ("merger", "launched", "Orla completed its takeover of Brisk on Monday."),
        ("merger", "-", "The Orla-Brisk deal is expected to close in June."),
        ("merger", "-", "Orla hopes to complete its takeover of Brisk by June."),
        ("merger", "approved", "Regulators approve Orla-Brisk merger"),
        ("merger", "approved", "Regulators approved the Orla-Brisk merger on Friday."),
        ("merger", "cancelled", "Orla and Brisk called off the Orla-Brisk merger."),
        ("merger", "cancelled", "The Orla-Brisk deal was terminated on Friday."),
        ("merger", "cancelled", "Orla walked away from the Orla-Brisk deal."),
        ("route", "ending", "Orla will end its Tromso-Bodo service in March."),
        ("route", "-", "The Tromso-Bodo ferry carried 200,000 passengers last year."),
        ("tarn", "in-production", "The Tarn plant achieved first production on Monday."),
        ("tarn", "in-production", "Orla commenced production at the Tarn plant."),
        ("tarn", "in-production", "The Tarn plant hits first production"),
        ("tarn", "launched", "Operations at the Tarn plant began on Monday."),
        ("nord", "discontinued", "Operations at Nordmart were shut down in March."),
        ("vexa", "-", "Regulators are expected to approve Vexa in June."),
        ("vexa", "-", "Regulators will approve Vexa, analysts predict."),
        ("vexa", "-", "Orla asked regulators to approve Vexa."),
        ("vexa", "-", "Regulators may approve Vexa next month."),
        ("vexa", "-", "Will regulators approve Vexa?"),
        ("vexa", "-", "Regulators did not approve Vexa."),
        ("vexa", "approved", "Regulators approve Vexa"),
        ("vexa", "approved", "EU regulators approve Vexa for adults"),
        ("vexa", "-", "Regulators could approve Vexa as soon as June."),
        ("vexa", "-", "Doctors urge regulators to approve Vexa"),
        ("k5", "-", "The trial will end in May, before the Orla K5 goes on sale."),
        ("m2", "-", "Orla will end its price promotion for the M2 scooter in May."),
        ("tarn", "-", "Operations at the Tarn plant will begin in 2027."),
        ("tarn", "-", "Operations at the Tarn plant are expected to start in 2027."),
        ("merger", "cancelled", "Brisk terminated its merger with Orla on Wednesday."),
        ("merger", "launched", "Orla completed its purchase of Brisk on Monday."),
        ("merger", "approved", "Regulators approved Orla's bid for Brisk on Friday."),
        ("merger", "-", "Orla raised prices, and Brisk closed 20 stores."),
        ("merger", "-", "Orla closed 20 stores, Brisk said."),
        ("merger", "-", "Brisk opened a new warehouse near an Orla plant."),
        ("route", "-", "Orla added sailings between Tromso and Bodo."),
        ("merger", "launched", "Orla finalized its acquisition of Brisk on Monday."),
        ("merger", "launched", "Orla finalizes Brisk takeover"),
        ("merger", "-", "Orla and Brisk are close to finalizing the Orla-Brisk deal."),
        ("vexa", "approved", "Vexa receives approval in Europe"),
        ("k5", "approved", "The Orla K5 was certified by the road safety agency on Monday."),
        ("k5", "approved", "The Orla K5 earned safety certification in Europe."),
        ("k5", "approved", "The agency certified the Orla K5 for road use."),
        ("k5", "approved", "Orla receives certification for the K5 scooter"),
        ("hall", "launched", "Harbour Hall welcomed its first visitors on Saturday."),
        ("hall", "launched", "Harbour Hall held its grand opening on Saturday."),
        ("hall", "launched", "The mayor cut the ribbon at Harbour Hall on Saturday."),
        ("hall", "launched", "Harbour Hall began accepting visitors on Saturday."),
        (
            "tarn",
            "in-development",
            "Orla held a groundbreaking ceremony for the Tarn plant on Monday.",
        ),
        ("tarn", "in-development", "Orla began construction of the Tarn plant in March."),
        ("tarn", "in-development", "Work started on the Tarn plant in March."),
        ("k5", "cancelled", "The Orla K5 has been canned."),
        ("k5", "cancelled", "Orla has axed plans for the K5 scooter."),
        ("k5", "cancelled", "The Orla K5 is no more."),
        ("line9", "launched", "Line 9 opened for service on Sunday."),
        ("line9", "launched", "Line 9 entered service on Sunday."),
        ("line9", "launched", "Service on Line 9 began on Sunday."),
        ("line9", "launched", "Service on Line 9 started on Sunday."),
        ("norway", "launched", "Orla's service in Norway launched on Monday."),
        ("m2", "discontinued", "Orla has stopped production of the M2 scooter."),
        ("m2", "discontinued", "The last Orla M2 was built in May."),
        ("m2", "ending", "Orla will stop selling the M2 scooter in June."),
        ("vexa", "launched", "Vexa is now on the market in Germany."),
        ("hall", "-", "Harbour Hall will hold its grand opening in May."),
        ("hall", "-", "The mayor will cut the ribbon at Harbour Hall in May."),
        ("line9", "-", "Service on Line 9 will begin in 2027."),
        ("line9", "-", "Service on Line 9 is expected to start in 2027."),
        (
            "k5",
            "-",
            "Orla's rival welcomed its first customers while the Orla K5 waits for approval.",
        ),
        ("tarn", "-", "A groundbreaking ceremony for the Tarn plant is planned for May."),
        ("k5", "cancelled", "Orla cancels K5 scooter"),
        ("k5", "cancelled", "Orla scraps K5 scooter plans"),
        ("k5", "launched", "Orla launches K5 scooter in Spain"),
        ("k5", "revealed", "Orla unveils K5 scooter"),
        ("k5", "revealed", "Orla shows off K5 scooter in Milan"),
        ("vexa", "approved", "Regulator approves Vexa"),
        ("vexa", "approved", "Vexa approved in Japan"),
        ("vexa", "unapproved", "Regulator rejects Vexa"),
        ("vexa", "unapproved", "Regulator turns down Vexa"),
        ("m2", "discontinued", "Orla ends M2 scooter production"),
        ("m2", "discontinued", "Orla kills off M2 scooter"),
        ("nord", "discontinued", "Nordmart closes its last stores"),
        ("nord", "discontinued", "Nordmart shuts remaining stores"),
        ("line9", "launched", "City opens Line 9 tram"),
        ("line9", "launched", "Line 9 opens to passengers"),
        ("tarn", "in-production", "Tarn plant starts production"),
        ("tarn", "cancelled", "Orla halts Tarn plant for good"),
        ("tarn", "launched", "Tarn plant opens"),
        ("norway", "launched", "Orla launches in Norway"),
        ("merger", "cancelled", "Orla and Brisk call off Orla-Brisk merger"),
        ("skua", "launched", "Orla takes delivery of Skua ferry"),
        ("k5", "-", "Orla may call off the K5 scooter."),
        ("k5", "-", "Investors urge Orla to call off the K5 scooter."),
        ("vexa", "-", "Will the regulator turn down Vexa?"),
        ("k5", "launched", "Orla released the K5 scooter in Portugal on Friday."),
        ("k5", "launched", "Orla began rolling out the K5 scooter to riders in Lisbon."),
        ("k5", "-", "Orla released the price list of the K5 scooter."),
        ("k5", "-", "Orla released a statement on the K5 scooter."),
        ("k5", "-", "Orla has postponed the launch of the K5 scooter."),
        ("k5", "-", "Orla is pushing back the release of the K5 scooter to 2027."),
        ("k5", "-", "Orla decided to postpone the release of the K5 scooter."),
        ("tarn", "-", "The Tarn plant launched the search for new workers."),
        ("tarn", "-", "The Tarn plant released the details of its water plan."),
        ("k5", "launched", "The Orla K5 launched the same day as its rival."),
        (
            "bill",
            "approved",
            "The Clean Streets Bill was signed into law by the governor on Friday.",
        ),
        (
            "bill",
            "approved",
            "After two years of debate, the Clean Streets Act became law in March.",
        ),
        ("bill", "approved", "The Clean Streets Bill received royal assent on Tuesday."),
        ("bill", "launched", "The Clean Streets Act came into force on 1 July."),
        ("bill", "launched", "The Clean Streets Act takes effect today across the city."),
        (
            "bill",
            "cancelled",
            "The Clean Streets Bill failed to pass before the assembly was dissolved.",
        ),
        ("bill", "cancelled", "With the session over, the Clean Streets Bill has lapsed."),
        ("bill", "-", "The Clean Streets Bill will come into force next year."),
        ("bill", "-", "If the Clean Streets Bill becomes law, drivers will pay more."),
        ("bill", "-", "The mayor hopes the Clean Streets Bill will be enacted soon."),
        ("tour", "launched", "Marla Vey kicked off her Tidewave Tour in Oslo on Saturday night."),
        ("tour", "launched", "The Tidewave Tour kicked off with a sold-out show in Oslo."),
        (
            "tour",
            "discontinued",
            "Marla Vey wrapped up the Tidewave Tour with two nights in Bergen.",
        ),
        ("tour", "discontinued", "The Tidewave Tour came to an end in Bergen on Sunday."),
        ("tour", "discontinued", "The Tidewave Tour concluded in Bergen after 40 shows."),
        ("tour", "-", "The Tidewave Tour kicks off in Oslo next spring."),
        ("tour", "-", "Marla Vey concluded that the Tidewave Tour needed a bigger stage."),
        ("tour", "-", "Marla Vey will wrap up the Tidewave Tour in Bergen."),
        ("tour", "-", "Police wrapped up their inquiry into the Tidewave Tour crash."),
        (
            "skua",
            "cancelled",
            "Projects cancelled: the K5 scooter, the Skua ferry and the Tarn plant.",
        ),
        (
            "tarn",
            "cancelled",
            "Orla has scrapped three projects: the K5 scooter, the Skua ferry and the Tarn plant.",
        ),
        ("k5", "-", "Orla launched a new app: the K5 scooter companion."),
        ("tour", "launched", "The Tidewave Tour got under way in Oslo on Friday."),
        ("tour", "discontinued", "The Tidewave Tour has ended."),
        ("nord", "discontinued", "Nordmart folded in March."),
        ("nord", "discontinued", "Nordmart has ceased to exist."),
        ("skua", "discontinued", "Orla dissolved its Skua ferry venture."),
        ("merger", "cancelled", "Orla's takeover of Brisk fell through in March."),
        ("merger", "cancelled", "Orla has backed out of its takeover of Brisk."),
        ("bill", "cancelled", "A court struck down the Clean Streets Act on Tuesday."),
        ("bill", "discontinued", "Lawmakers repealed the Clean Streets Act."),
        ("bill", "approved", "The Clean Streets Bill was passed by the assembly on Thursday."),
        ("bill", "approved", "The Clean Streets Bill passed its final vote."),
        ("bill", "approved", "The assembly ratified the Clean Streets Bill."),
        ("bill", "cancelled", "The governor vetoed the Clean Streets Bill."),
        ("permit", "cancelled", "Orla withdrew its application for the Norway licence."),
        ("tour", "cancelled", "The Tidewave Tour has been postponed indefinitely."),
        ("k5", "-", "Orla has deferred the K5 scooter to 2028."),
        ("bill", "-", "Critics hope a court will strike down the Clean Streets Act."),
        ("bill", "-", "The governor threatened to veto the Clean Streets Bill."),
        ("bill", "-", "The Clean Streets Bill passed its first reading."),
        ("tour", "-", "The storm passed before the Tidewave Tour show."),
        ("tour", "-", "The Tidewave Tour is off to a flying start."),
        ("k5", "in-production", "Production of the K5 scooter kicked off in May."),
        ("permit", "approved", "Orla secured its Norway licence in June."),
        ("tarn", "-", "Orla has delayed the grand opening of the Tarn plant."),
        ("k5", "-", "Orla announced on Thursday (Sep 11) that it has delayed the K5 scooter."),
        ("k5", "-", "Orla confirmed that it has pushed back the K5 scooter to 2028."),
        ("k5", "cancelled", "Orla announced on Monday that the K5 scooter is cancelled."),
        ("m2", "-", "Orla handed over the seventh Orla M2 to a buyer in Oslo."),
        ("k5", "launched", "Orla releases the K5 scooter in Spain."),
        ("k5", "launched", "The Orla K5 is available in three colours from today."),
        ("k5", "launched", "The K5 scooter is finally available nationwide."),
        ("k5", "-", "Orla releases the first K5 scooter trailer."),
        ("tour", "-", "Marla Vey has released new Tidewave Tour dates for the autumn."),
        ("k5", "-", "The Orla K5 will be available next spring."),
        ("k5", "launched", "Sales rose after the recent launch of the K5 scooter."),
        ("bill", "approved", "The assembly voted to allow the Clean Streets Bill."),
        ("bill", "-", "The assembly will vote to allow the Clean Streets Bill."),
        ("k5", "launched", "The Orla K5 debuted in June to long queues at Orla's shops."),
        ("k5", "launched", "The K5 scooter debuts today in shops across Spain."),
        ("k5", "revealed", "The Orla K5 debuted in Milan on Tuesday."),
        ("tour", "launched", "The Tidewave Tour made its debut on Friday with a show in Oslo."),
        ("k5", "in-development", "The Orla K5 is in beta with a few hundred riders in Oslo."),
        ("k5", "in-development", "Orla opened a public beta of the K5 scooter in Oslo."),
        ("m2", "-", "The Orla M2 left beta last year."),
        ("tarn", "-", "Orla is preparing for the upcoming opening of the Tarn plant."),
        (
            "tarn",
            "-",
            "Orla has hired 200 workers for the Tarn plant, the company announced Thursday.",
        ),
        ("k5", "confirmed", "The K5 scooter will go on sale in May, Orla announced on Monday."),
        ("tarn", "-", "Orla announced recently that the Tarn plant will open in May."),
        ("tour", "launched", "The Tidewave Tour premiered on Friday with a sold-out show."),
        ("k5", "revealed", "The Orla K5 premiered at the Oslo Motor Show."),
        ("k5", "in-production", "The Orla K5 is officially in production."),
        ("skua", "-", "The Skua ferry is not yet in production."),
        ("skua", "cancelled", "Orla said the Skua & Tarn projects were cancelled."),
        ("route", "ending", "Orla will end service on the Tromso-Bodo ferry in March."),
        ("route", "discontinued", "Orla ended service on the Tromso-Bodo ferry last week."),
        ("route", "ending", "The Tromso-Bodo ferry will no longer serve Bodo after May."),
        ("k5", "launched", "Orla introduced the K5 scooter in its shops this week."),
        ("k5", "revealed", "Orla introduced the K5 scooter at the Oslo Motor Show."),
        # (the Tarn plant is under construction: its investment decision is told again, no
        # new step; a decision on a project still waiting for one is test_investment_decisions)
        ("tarn", "-", "Orla reached a final investment decision on the Tarn plant in May."),
        ("tarn", "-", "Orla expects a final investment decision on the Tarn plant next year."),
        ("tarn", "-", "Orla has yet to take a final investment decision on the Tarn plant."),
        ("merger", "cancelled", "Orla is walking away from its takeover of Brisk."),
        ("k5", "confirmed", "Orla has chosen the K5 scooter as its preferred design for Oslo."),
        ("k5", "-", "Orla may pick the K5 scooter as its preferred design."),
        ("k5", "-", "A similar decision was unveiled for the K5 scooter on Monday."),
        ("tarn", "-", "Near the Tarn plant, the first supply ship has arrived."),
        ("k5", "launched", "The Orla K5, the company's new scooter, has arrived in shops."),
        ("k5", "cancelled", "Orla is scrapping plans for the K5 scooter."),
        ("k5", "-", "Orla K5-X scooter cancelled, a lighter model comes instead."),
        ("k5", "-", "Orla announced the cancellation of a charging service for the K5 scooter."),
        ("k5", "-", "Orla M2 Scooter Cancelled: Orla K5 Scooter to Replace It"),
        ("k5", "launched", "The tenth K5 scooter was handed over to a buyer."),
        ("k5", "-", "The Orla K5 launched the 2026 season with a show in Oslo."),
        ("skua", "-", "The Skua ferry cancelled the Caribbean leg of its first season."),
        ("skua", "approved", "The Skua ferry secured its safety certificate on Monday."),
        ("tour", "-", "Filming of the Tidewave Tour film ended up in Oslo."),
        # coordination past a place; a purpose is still to come; returns and present endings
        (
            "k5",
            "cancelled",
            "Orla would not proceed with the Tarn battery plant in Sweden and the K5 scooter.",
        ),
        ("k5", "-", "Orla showed the Tarn battery plant in January and the K5 scooter."),
        ("vexa", "-", "Orla agreed to extend the deadline for securing approval of Vexa to May."),
        ("vexa", "-", "The partners moved the deadline for achieving a final approval for Vexa."),
        ("m2", "discontinued", "Orla Retires Its M2 Scooter"),
        ("m2", "ending", "Orla retires the M2 scooter next year."),
        ("skua", "launched", "Orla welcomed the Skua ferry back to Oslo on Monday."),
        ("skua", "launched", "Orla welcomed its final Skua ferry back to Oslo."),
        # ends set for a date, schemes taken off the streets, services stopping; a paused release
        ("line9", "ending", "The Line 9 tram is set to end on 30 November."),
        ("m2", "discontinued", "Orla M2 scooters taken off the streets of Oslo"),
        ("m2", "ending", "The Orla M2 scooter service in Oslo is stopping."),
        ("k5", "-", "Orla is pausing the release of the K5 scooter in Denmark."),
        ("line9", "launched", "Line 9 tram begins operation"),
        ("hall", "launched", "Today is the first full day of operation for Harbour Hall."),
        # a question after a colon asks about what follows it
        ("line9", "launched", "Line 9 tram begins operation: what has changed and why?"),
        ("line9", "-", "Has Line 9 opened? Riders wait for news"),
        # work that has started vs. a state of development a decided subject was already in
        ("hall", "-", "Orla is developing Harbour Hall with two partners."),
        ("hall", "-", "Harbour Hall has been in development for a decade."),
        ("hall", "in-development", "Earthworks have commenced at the Harbour Hall site."),
        ("hall", "in-development", "Harbour Hall is being constructed next to the old pier."),
        # leaving a market
        ("m2", "discontinued", "Orla M2 scooter pulls out of the market"),
        ("m2", "ending", "The Orla M2 scooter is pulling out of the market, Orla said."),
        ("m2", "ending", "Orla says the M2 scooter will quit the market in June."),
        ("m2", "discontinued", "Orla M2 scooter exits after two years on sale"),
        ("m2", "-", "The Orla M2 scooter is withdrawing from Sweden, though it stays in Denmark."),
        ("m2", "-", "Orla M2 scooter pulled out of Bergen and Trondheim"),
        (
            "m2",
            "discontinued",
            "The Orla M2 scooter pulled out of Sweden and the rest of the world this year.",
        ),
        # a tracked name right after the verb is its object, the one before its agent
        ("m2", "-", "The Orla app launches K5 scooter rentals"),
        ("k5", "launched", "The Orla M2 scooter app launches K5 scooter rentals in Oslo."),
        ("k5", "launched", "The Orla app has added the K5 scooter."),
        ("k5", "launched", "The Orla K5 scooter is now available in Oslo."),
        # last voyages, leaving and joining a fleet, authorisations, offers
        ("skua", "discontinued", "The Skua ferry completed its final voyage on Sunday."),
        ("skua", "discontinued", "The Skua ferry has left the fleet."),
        ("skua", "discontinued", "The Skua ferry sailed into Oslo for the final time."),
        ("nord", "discontinued", "Nordmart shuts down after 40 years"),
        ("skua", "launched", "The Skua ferry officially joined the fleet on Friday."),
        ("vexa", "approved", "Regulator authorizes Vexa for adults"),
        ("vexa", "approved", "Vexa Gets Regulator Clearance, Launching Next Month"),
        ("k5", "launched", "The Orla app now offers the K5 scooter in Oslo."),
        ("k5", "-", "Orla will join the fleet of scooter makers with the K5 scooter next year."),
        # a participle describing a noun; a show opening with a piece
        ("k5", "-", "The Orla K5 scooter came with dropped handlebars."),
        ("k5", "cancelled", "The Orla K5 scooter was dropped last week."),
        ("tour", "-", "The Tidewave Tour show opened with a song from the first album."),
        # a change of owner completes an exit, and ends nothing else
        (
            "nord",
            "discontinued",
            "Brisk completed the acquisition of the Nordmart stores on Monday.",
        ),
        ("nord", "discontinued", "Brisk completes Nordmart stores deal"),
        ("m2", "-", "Orla completed the sale of the M2 scooter business to Brisk."),
        ("m2", "discontinued", "Orla pulls the M2 scooter from sale"),
        # "became available"; a past time before "and" is the first verb's
        (
            "k5",
            "launched",
            "The Orla K5 was approved last year and became commercially available on May 1.",
        ),
        ("k5", "-", "Years ago Orla built a K5 scooter prototype and then sold it."),
        # a weak cue does not hide a stronger one starting inside it
        ("m2", "ending", "The Orla M2 scooters are set to close their run in June."),
        ("tarn", "-", "The Tarn battery plant is set to grow next year."),
        # an example named after "specifically", "namely"
        (
            "k5",
            "launched",
            "Orla announced the first mass shipment of its scooters, specifically the K5 scooter.",
        ),
        ("k5", "cancelled", "Orla cancelled two projects, namely the K5 scooter and a van."),
        # plans not proceeding, farewells, doors opened, ground broken, first shipments
        ("tarn", "cancelled", "Orla said it would not proceed with the Tarn battery plant."),
        ("tarn", "cancelled", "The Tarn battery plant will not proceed, Orla said."),
        ("tarn", "cancelled", "Orla has decided not to proceed with the Tarn battery plant."),
        ("tarn", "-", "Orla will proceed with the Tarn battery plant."),
        ("m2", "discontinued", "Orla bid farewell to the M2 scooter after ten years."),
        ("m2", "discontinued", "Orla says goodbye to the M2 scooter"),
        ("m2", "ending", "Orla will bid farewell to the M2 scooter in June."),
        ("tarn", "launched", "Orla opens the doors of the Tarn battery plant."),
        ("tarn", "in-development", "Ground breaks at Tarn battery plant"),
        ("tarn", "in-development", "Construction of the Tarn battery plant is progressing well."),
        ("k5", "launched", "The first shipments of the Orla K5 are already under way."),
        # a stage of a subject's course is not the subject; approving of is liking
        ("skua", "-", "Orla Wraps Up First Phase Of Skua Ferry Trials"),
        ("skua", "-", "The Skua ferry wrapped up the first phase of its sea trials."),
        ("k5", "launched", "The Orla K5 launched the first week of May."),
        ("line9", "-", "The city completed the second stage of Line 9 works."),
        ("vexa", "-", "The regulator approves of the Vexa trial design."),
        ("k5", "-", "Most riders approved of the Orla K5 in a survey."),
        # a relative clause states a fact, whatever the condition around it
        ("k5", "launched", "If you count the Orla K5, which was launched in May, Orla sells four."),
        ("k5", "-", "If the Orla K5 is launched in May, rivals will cut their prices."),
        # a doubt in a new clause after the cue is the new clause's
        (
            "k5",
            "launched",
            "The Orla K5 has finally arrived in stores and it may well be the scooter of the year.",
        ),
        ("k5", "approved", "The Orla K5 was approved by the regulator, and may be sold from June."),
        # an end on its way: in progress or still to come
        ("m2", "ending", "The M2 scooter is being discontinued, Orla said."),
        ("m2", "ending", "Orla is discontinuing the M2 scooter in Europe."),
        ("m2", "ending", "Orla will no longer be selling the M2 scooter after June."),
        ("m2", "ending", "The M2 scooter will no longer be offered."),
        ("m2", "ending", "Orla is taking the M2 scooter off the market."),
        ("m2", "discontinued", "Orla took the M2 scooter off the market in March."),
        ("m2", "discontinued", "The M2 scooter can no longer be sold in Norway."),
        ("m2", "-", "After discontinuing the M1 scooter last year, Orla built the M2 scooter."),
        # a place of a market's name in a list after its preposition
        ("norway", "launched", "Orla launched in Sweden, Denmark and Norway last week."),
        ("norway", "launched", "Orla has arrived in Finland, Iceland, and Norway"),
        (
            "norway",
            "launched",
            "Orla has launched its scooter service in three countries: Sweden, Norway and Finland.",
        ),
        ("norway", "launched", "Orla opens up service in Sweden, Norway, Finland"),
        ("norway", "-", "Orla tested its scooters in three countries: Sweden, Norway and Finland."),
        ("norway", "-", "Orla plans to launch in Sweden, Denmark and Norway next year."),
        ("norway", "-", "Orla opened in Denmark and Sweden, and a depot was approved in Norway."),
        (
            "norway",
            "-",
            "Orla scooters are sold in Sweden and Norway, and a rival was approved last week.",
        ),
        (
            "k5",
            "-",
            "Orla scrapped three projects: a bus line, a van and a drone. The K5 scooter is safe.",
        ),
        # a launch told with its manner ("the official launch of"), a debut told as a time since
        ("norway", "launched", "Riders cheered the official launch of Orla in Norway on Friday."),
        ("k5", "launched", "The Orla K5 has sold 30,000 units since its debut."),
        ("k5", "-", "Orla is preparing the official launch of the K5 scooter."),
        # a network or service switched off, told in the passive (the active "X switched off
        # its network" also read a look-alike operator's network as the tracked one's: left out)
        ("route", "discontinued", "The Tromso-Bodo service was switched off on Monday."),
        ("m2", "-", "Riders of the Orla M2 switched off their lights to save battery."),
        # coordinated subjects of a verb with an object of its own are its agents, the first
        # conjunct as much as the last
        ("tarn", "-", "The Tarn plant and the Skua ferry have today revealed their new suppliers."),
        ("skua", "-", "The Tarn plant and the Skua ferry have today revealed their new suppliers."),
        # names set beside the subject after a comma ("alongside", "along with") share its verb
        ("m2", "ending", "Orla's diesel van is being retired, alongside the M2 scooter."),
        ("m2", "-", "The M2 scooter sold well this year, alongside the older vans."),
        # a plan given up, its verb told with an adverb
        ("k5", "cancelled", "Orla decided not to move forward with the K5 scooter."),
        (
            "k5",
            "cancelled",
            "Orla will not proceed with its plan to quietly launch the K5 scooter.",
        ),
        # a rule that came into place, or whose enforcement began
        ("bill", "launched", "The Clean Streets Act came into place on Monday."),
        ("bill", "launched", "Under the Clean Streets Act, enforcement began on 1 June."),
        ("bill", "-", "Under the Clean Streets Act, enforcement could begin in June."),
        # what was approved is the noun before "over"; examples after "in ..., such as" are
        # where something happened, not what
        ("merger", "-", "The court approved a referendum over the Orla-Brisk deal."),
        (
            "route",
            "-",
            "Cash fares have been discontinued in several services, such as the Tromso-Bodo ferry.",
        ),
        # an end carried through ("completed the shutdown of", "completes ... closure")
        ("route", "discontinued", "Orla has completed the shutdown of the Tromso-Bodo service."),
        ("route", "-", "Orla aims to complete the shutdown of the Tromso-Bodo service by May."),
        ("nord", "discontinued", "Nordmart completes the closure of all its stores"),
        # a relative clause between dashes, however long, speaks of the name before it
        (
            "k5",
            "launched",
            "The Orla K5 - which is also the lightest scooter the company has built so far - "
            "went on sale in Oslo on Friday.",
        ),
        ("skua", "-", "Work on the Skua ferry started late, and construction on its dock stalled."),
        # a cue made one word by its hyphens describes the noun after it ("the
        # under-construction plant"), not a name before it
        (
            "k5",
            "-",
            "Orla announced that production of the next-generation Orla K5 - which keeps the "
            "name of its older sibling - was being delayed at the under-construction, "
            "harbour-side Tarn plant.",
        ),
        # a stage told as a noun, stopped by the verb before it, is not reached
        ("k5", "-", "Orla has suspended the launch of the K5 scooter in Europe."),
        ("norway", "-", "Orla paused the launch of Orla in Norway after a court ruling."),
        ("k5", "launched", "Crowds in Oslo greeted the launch of the K5 scooter on Friday."),
        # a service's last run told with its own verb ("operated / sailed / flew its last")
        ("route", "discontinued", "The Tromso-Bodo ferry sailed its last crossing on Sunday."),
        ("route", "ending", "The Tromso-Bodo ferry will operate its last crossing next month."),
        # the decision to build what is already being built is no new step
        ("tarn", "-", "Orla reached financial close on the Tarn battery plant on Friday."),
        ("tarn", "-", "Orla made FID on the Tarn battery plant, its largest project."),
    ],
)
def test_general_language(claim: str, status: str, sentence: str):
    _assert_read(claim, status, sentence, "")


def _assert_read(claim: str, status: str, title: str, text: str) -> None:
    """The report changes `claim` to `status`, or ("-") leaves it where it stands."""
    report = Report(key="p", title=title, text=text, published="2026-05-10T00:00:00Z")
    seen = {o.claim: o for o in DETECTOR.observe(report)}
    o = seen.get(claim)
    got = o.status if o is not None and o.confidence >= DEFAULT_THRESHOLD else None
    if status == "-":
        assert got in (None, CLAIMS[claim].status), (title, text, got)
    else:
        assert got == status, (title, text, got)


@pytest.mark.parametrize(
    ("claim", "status", "title", "text"),
    [
        (
            "k5",
            "cancelled",
            "Orla rethinks its scooter plans",
            "Orla has reviewed the K5 scooter. The scooter has now been cancelled, the company "
            "said.",
        ),
        (
            "k5",
            "cancelled",
            "Orla K5 scooter",
            "The K5 scooter was meant to arrive in 2027. It has now been scrapped.",
        ),
        (
            "tarn",
            "in-production",
            "Tarn plant",
            "The Tarn plant cost 900 million euros. It began production in April.",
        ),
        (
            "tarn",
            "-",
            "Tarn plant",
            "The Tarn plant cost 900 million euros. It is expected to begin production in April.",
        ),
        (
            "vexa",
            "approved",
            "Vexa",
            "Vexa treats a rare blood disorder. The drug was approved by the agency on Friday.",
        ),
        (
            "vexa",
            "-",
            "Vexa",
            "Vexa treats a rare blood disorder. A rival drug was approved by the agency on Friday.",
        ),
        (
            "m2",
            "discontinued",
            "End of the road for the M2",
            "Orla sold 200,000 M2 scooters. The model has now been discontinued.",
        ),
        (
            "line9",
            "launched",
            "Line 9",
            "Line 9 links the airport to the centre. The line opened to passengers on Sunday.",
        ),
        (
            "line9",
            "-",
            "Line 9",
            "Line 9 links the airport to the centre. Line 4 opened to passengers on Sunday.",
        ),
        (
            "tarn",
            "-",
            "Tarn plant",
            "The Tarn plant is being built. Orla announced on Monday that the plant will get a "
            "new name.",
        ),
    ],
)
def test_a_subject_named_before(claim: str, status: str, title: str, text: str):
    """A later sentence speaks of it as "it", "the drug", "the scooter"."""
    _assert_read(claim, status, title, text)


def test_a_name_of_two_subjects_changes_neither():
    """Two parks each build a "Snow Village": a report that one opened cannot say which."""
    north = Claim(
        id="north",
        subject="Snow Village at Nordpark",
        status="in-development",
        aliases=("Snow Village", "Nordpark Snow Village"),
    )
    south = Claim(
        id="south",
        subject="Snow Village at Sudpark",
        status="in-development",
        aliases=("Snow Village", "Sudpark Snow Village"),
    )
    detector = Detector([north, south])
    report = Report(
        key="p", title="Snow Village now open", text="", published="2026-05-10T00:00:00Z"
    )
    assert [o.status for o in detector.observe(report)] == [None, None]
    named = Report(
        key="p", title="Nordpark Snow Village now open", text="", published="2026-05-10T00:00:00Z"
    )
    assert {o.claim: o.status for o in detector.observe(named)}["north"] == "launched"
    told_where = Report(
        key="p",
        title="Snow Village now open at Nordpark",
        text="",
        published="2026-05-10T00:00:00Z",
    )
    assert {o.claim: o.status for o in detector.observe(told_where)} == {
        "north": "launched",
        "south": None,
    }


def test_a_label_and_its_date_across_a_colon():
    report = Report(
        key="p",
        title="Orla's year ahead",
        text="Orla K5 scooter ◾ Market launch: September 14.",
        published="2026-05-10T00:00:00Z",
    )
    seen = {o.claim: o for o in DETECTOR.observe(report)}
    assert seen["k5"].status in (None, "expected")


def _statuses(
    claims: list[Claim],
    text: str,
    published: str = "2026-05-10T00:00:00Z",
    organizations: tuple[str, ...] = ("Orla",),
) -> dict:
    """What a detector of these claims alone reads in one report: claim -> status."""
    report = Report(key="r", title="", text=text, published=published)
    return {
        o.claim: o.status for o in Detector(claims, organizations=organizations).observe(report)
    }


def test_a_version_number_is_one_name():
    """ "Quill 4.2" is its own subject: neither "Quill 4" with a stray "2" nor missed."""
    claims = [
        Claim(
            id="quill4",
            subject="Quill 4, a notes app",
            status="in-development",
            aliases=("Quill 4",),
        ),
        Claim(
            id="quill42", subject="Quill 4.2, an update", status="expected", aliases=("Quill 4.2",)
        ),
    ]
    assert _statuses(claims, "Quill 4.2 was released to everyone on Tuesday.") == {
        "quill42": "launched"
    }
    assert _statuses(claims, "Quill 4 was released to everyone on Tuesday.") == {
        "quill4": "launched"
    }


def test_a_year_of_the_last_century_is_history():
    """ "opened in 1998", told of a plant the article (2025) already knew: nothing new."""
    from monitor.domain.claims import Source

    plant = Claim(
        id="fell",
        subject="Fell smelter, running, to close",
        status="ending",
        aliases=("Fell smelter",),
        source=Source(title="Smelter to close", published="2025-03-01T00:00:00Z"),
    )
    text = "The Fell smelter, first opened in 1998, employs 300 people."
    assert _statuses([plant], text, "2025-06-01T00:00:00Z") in ({"fell": None}, {})


def test_an_ampersand_inside_a_name():
    """ "K&S Hall": the ampersand joins the name's words like a hyphen does."""
    hall = Claim(
        id="hall", subject="K&S Hall, being built", status="in-development", aliases=("K&S Hall",)
    )
    text = "The K&S Hall opened on Friday with a sold-out show."
    assert _statuses([hall], text) == {"hall": "launched"}


def test_another_organisation_of_the_baseline_in_the_possessive():
    """A baseline of two organisations: "Brisk's Ride app" is not Orla's, whose it is."""
    claims = [
        Claim(
            id="app",
            subject="Orla Ride app, planned",
            status="expected",
            aliases=("Orla Ride app", "Ride app"),
        ),
        Claim(
            id="bike",
            subject="Brisk Dash bike, planned",
            status="expected",
            aliases=("Brisk Dash bike",),
        ),
    ]
    both = ("Orla", "Brisk")
    brisk = _statuses(claims, "Brisk's Ride app was cancelled on Monday.", organizations=both)
    assert brisk.get("app") is None
    orla = _statuses(claims, "Orla's Ride app was cancelled on Monday.", organizations=both)
    assert orla == {"app": "cancelled"}


def test_a_stage_told_in_the_past_is_dated_by_its_own_date():
    """ "Opened on 3 May and runs until October": the later date is the run's end, not a plan."""
    hall = CLAIMS["hall"]
    text = "Harbour Hall reopened on 3 May 2026 for a summer season running until October 2026."
    assert _statuses([hall], text) == {"hall": "launched"}
    # a stage not told in the past keeps looking ahead: "reopens ... until" is still a plan
    assert _statuses([hall], "Harbour Hall reopens with a season that runs until October.") == {
        "hall": None
    }


def test_a_report_dated_only_by_its_year():
    """A page dated "2026" that says "reopened in March 2026" tells of the past, not a plan."""
    hall = CLAIMS["hall"]
    text = "Harbour Hall reopened in March 2026 after two years of work."
    assert _statuses([hall], text, published="2026") == {"hall": "launched"}


def test_coordinated_names_with_words_describing_the_second():
    """ "the K5 and its long-planned Norway service": both are cancelled; after a bare comma
    "the first model of ..." describes the name before it and shares nothing."""
    claims = [CLAIMS["k5"], CLAIMS["norway"]]
    text = "Orla has cancelled the K5 scooter and its long-planned Orla Norway service."
    assert _statuses(claims, text) == {"k5": "cancelled", "norway": "cancelled"}
    text = "Orla has cancelled the K5 scooter, the first model of the Orla Norway service."
    assert _statuses(claims, text) == {"k5": "cancelled", "norway": None}


def test_names_given_as_examples_of_the_object():
    """ "cancelled several projects, including the K5": the examples are what was cancelled;
    "like" after a plural gives examples, after a singular it compares."""
    claims = [CLAIMS["k5"], CLAIMS["tarn"], CLAIMS["m2"]]
    text = "Orla cancelled several projects, including the K5 scooter and the Tarn plant."
    assert _statuses(claims, text) == {"k5": "cancelled", "tarn": "cancelled"}
    text = "Orla has introduced new products such as the K5 scooter."
    assert _statuses(claims, text) == {"k5": "launched"}
    text = "Orla has introduced new products like the K5 scooter."
    assert _statuses(claims, text) == {"k5": "launched"}
    assert _statuses(claims, "Brisk launched a scooter like the K5 scooter.") == {"k5": None}
    text = "Orla on Saturday launched two new scooters, the K5 scooter and the M2 scooter."
    assert _statuses(claims, text) == {"k5": "launched", "m2": "launched"}
    text = "Orla launched two new apps, and the K5 scooter sold out."
    assert _statuses(claims, text) == {"k5": None}


BRENN = Claim(
    id="brenn2",
    subject="Brenn 2 unit, a power station unit idle since 2019, cleared to restart",
    status="approved",
    aliases=("Brenn 2 unit", "Brenn 2"),
)


@pytest.mark.parametrize(
    "sentence, status",
    [
        (
            "Nordkraft restarted the Brenn 2 unit on Friday for the first time in seven years.",
            "launched",
        ),
        ("The Brenn 2 unit went back online on Monday.", "launched"),
        ("The Brenn 2 unit resumed operations after a seven-year halt.", "launched"),
        ("Brenn 2 is back online.", "launched"),
        # an age and a number sign are neither the past nor a negation
        ("Brenn 2, a 40-year-old unit, was restarted on Friday.", "launched"),
        ("Brenn 2, the site's No. 2 unit, was restarted on Friday.", "launched"),
        ("Nordkraft plans to restart the Brenn 2 unit in May.", None),
        ("Nordkraft restarted talks on the Brenn 2 unit.", None),
        ("Nordkraft was given approval for the Brenn 2 unit to go back online.", "approved"),
    ],
)
def test_a_halted_subject_restarts(sentence: str, status: str | None):
    """Something halted and cleared to run again: "restarted", "back online", "resumed
    operations" say it runs; a plan, or talks restarted, do not."""
    assert _statuses([BRENN], sentence, organizations=("Nordkraft",)) == {"brenn2": status}


LANTERN = Claim(
    id="lantern",
    subject="Lantern Street, a stage musical running since May",
    status="launched",
    aliases=("Lantern Street",),
)


@pytest.mark.parametrize(
    "sentence, status",
    [
        ("Lantern Street will play its final performance on 17 August.", "ending"),
        ("Lantern Street played its final performance on Sunday.", "discontinued"),
        ("Lantern Street is ending its run after four months.", "ending"),
        ("Lantern Street is set to conclude its run on 9 June.", "ending"),
        ("Lantern Street closes today after 300 performances.", "discontinued"),
        # a player's last night is not the show's
        ("Ada Holm will play her final performance in Lantern Street on Sunday.", None),
        ("Ada Holm, who stars in Lantern Street, will play her final performance on Sunday.", None),
    ],
)
def test_a_run_comes_to_its_end(sentence: str, status: str | None):
    """A show, an exhibition or a season ends its run: "its final performance", "is ending its
    run", "closes today"; one performer's farewell changes nothing."""
    assert _statuses([LANTERN], sentence, organizations=("Harbour",)) == {"lantern": status}


@pytest.mark.parametrize(
    "sentence, status",
    [
        ("Vexa received clearance from the regulator on Monday.", "approved"),
        ("The regulator granted clearance on June 10 to Vexa.", "approved"),
        ("Orla has won European clearance for Vexa.", "approved"),
        ("The regulator gave Orla permission to market Vexa.", "approved"),
        ("Orla secured approval for Vexa in Europe.", "approved"),
        ("Orla is still seeking clearance for Vexa.", None),
        ("Orla hopes to receive clearance for Vexa.", None),
    ],
)
def test_a_clearance_is_an_approval(sentence: str, status: str | None):
    """Regulators clear devices, drugs and aircraft as often as they approve them."""
    assert _statuses([CLAIMS["vexa"]], sentence) == {"vexa": status}


SALTMARSH = Claim(
    id="saltmarsh",
    subject="Saltmarsh, a drama series in development",
    status="in-development",
    aliases=("Saltmarsh",),
)


@pytest.mark.parametrize(
    "sentence, status",
    [
        ("Shooting for Saltmarsh has begun in Wales.", "in-production"),
        ("Saltmarsh wrapped filming in March.", "in-production"),
        ("The cast of Saltmarsh finished filming last week.", "in-production"),
        ("Filming on Saltmarsh has wrapped.", "in-production"),
        ("Shooting for Saltmarsh is expected to begin in May.", None),
    ],
)
def test_a_series_is_shot(sentence: str, status: str | None):
    """A film or series is made by shooting it; finished shooting, it is still being made."""
    assert _statuses([SALTMARSH], sentence, organizations=("Northlight",)) == {"saltmarsh": status}


def test_an_owner_opening_its_own_tracked_object():
    """A baseline may track a campus or a plant under its owner's name: "the College opened its
    first campus" speaks of the tracked campus; "opened its new library" of something else."""
    campus = Claim(
        id="campus",
        subject="Kestrel College campus in Bergen, being built",
        status="in-development",
        aliases=("Kestrel College Bergen campus", "Kestrel College (Norway)"),
    )
    orgs = ("Kestrel College",)
    text = "Kestrel College (Norway) opened its first overseas campus in Bergen on Monday."
    assert _statuses([campus], text, organizations=orgs) == {"campus": "launched"}
    text = "Kestrel College (Norway) opened its new library on Monday."
    assert _statuses([campus], text, organizations=orgs) == {"campus": None}


QUARRY = Claim(
    id="quarry",
    subject="Holm quarry, in production",
    status="in-production",
    aliases=("Holm quarry",),
)


@pytest.mark.parametrize(
    "sentence, status",
    [
        ("Stenberg will place the Holm quarry on care and maintenance in October.", "ending"),
        ("The Holm quarry was placed on care and maintenance in May.", "discontinued"),
        ("Operations at the Holm quarry were suspended in May.", "discontinued"),
        ("Stenberg idled the Holm quarry last week.", "discontinued"),
        ("Stenberg will idle the Holm quarry from June.", "ending"),
        ("Stenberg suspended a manager at the Holm quarry.", None),
    ],
)
def test_operations_suspended(sentence: str, status: str | None):
    """A site idled, put on care and maintenance or with its operations suspended has stopped
    working (labellers read it as an end, however temporary it is meant to be)."""
    assert _statuses([QUARRY], sentence, organizations=("Stenberg",)) == {"quarry": status}


@pytest.mark.parametrize(
    "sentence, status",
    [
        (
            "Stenberg officially commenced underground production at the Holm quarry.",
            "in-production",
        ),
        ("First gravel production achieved at the Holm quarry on 31 July.", "in-production"),
        ("Stenberg expects to achieve first production at the Holm quarry in 2027.", None),
    ],
)
def test_production_commences(sentence: str, status: str | None):
    """Production commenced or achieved is production under way; expected, it is a plan."""
    quarry = Claim(
        id="quarry",
        subject="Holm quarry, being built",
        status="in-development",
        aliases=("Holm quarry",),
    )
    assert _statuses([quarry], sentence, organizations=("Stenberg",)) == {"quarry": status}


def test_an_owner_delivers_its_first():
    """ "delivers its first ... from the X": the first output handed over."""
    mill = Claim(
        id="mill",
        subject="Holm mill expansion, being built",
        status="in-development",
        aliases=("Holm mill expansion",),
    )
    text = "Stenberg delivers its first gravel from the Holm mill expansion."
    assert _statuses([mill], text, organizations=("Stenberg",)) == {"mill": "launched"}


def test_a_bracketed_qualifier_of_a_tracked_name_is_optional():
    """ "Kestrel College (Norway)" is written "Kestrel College" too; a look-alike's bracket
    ("Kestrel Hall (film)") is what tells it apart and is never dropped."""
    campus = Claim(
        id="campus",
        subject="Kestrel College campus in Bergen, being built",
        status="in-development",
        aliases=("Kestrel College Bergen campus", "Kestrel College (Norway)"),
    )
    hall = Claim(
        id="hall",
        subject="Kestrel Hall, a theatre being built",
        status="in-development",
        aliases=("Kestrel Hall",),
        lookalikes=("Kestrel Hall (film)",),
    )
    orgs = ("Kestrel Group",)
    text = "Kestrel College opened its first overseas campus in Bergen on Monday."
    assert _statuses([campus, hall], text, organizations=orgs) == {"campus": "launched"}
    text = "Kestrel Hall opened to the public on Monday."
    assert _statuses([campus, hall], text, organizations=orgs) == {"hall": "launched"}


def test_two_owners_with_the_same_product_name():
    """Two tracked "Dash bikes", Orla's and Brisk's: a sentence that names one owner speaks of
    that owner's; a sentence that names neither speaks of neither for sure."""
    claims = [
        Claim(
            id="orla-dash", subject="Orla Dash bike", status="expected", aliases=("Orla Dash bike",)
        ),
        Claim(
            id="brisk-dash",
            subject="Brisk Dash bike",
            status="expected",
            aliases=("Brisk Dash bike",),
        ),
    ]
    both = ("Orla", "Brisk")
    text = "Orla said on Monday that the Dash bike is now on sale. Brisk declined to comment."
    assert _statuses(claims, text, organizations=both) == {"orla-dash": "launched"}
    text = "Orla and Brisk spoke on Monday. The Dash bike was launched in May."
    assert _statuses(claims, text, organizations=both) == {}


@pytest.mark.parametrize(
    "sentence, status",
    [
        (
            "Stenberg laid the foundation stone of the Holm mill expansion on Sunday.",
            "in-development",
        ),
        ("The foundation stone of the Holm mill expansion was laid on Sunday.", "in-development"),
        ("Stenberg will lay the foundation stone of the Holm mill expansion in May.", None),
    ],
)
def test_a_foundation_stone_is_laid(sentence: str, status: str | None):
    """Laying a foundation stone is the start of building, like breaking ground."""
    mill = Claim(
        id="mill",
        subject="Holm mill expansion, announced",
        status="confirmed",
        aliases=("Holm mill expansion",),
    )
    assert _statuses([mill], sentence, organizations=("Stenberg",)) == {"mill": status}


@pytest.mark.parametrize(
    "sentence, status",
    [
        (
            "The mayor said he was glad that work on the Fjell Road bypass is starting.",
            "in-development",
        ),
        ("Work begins on the Fjell Road bypass.", "in-development"),
        ("The agency is halting work on the Fjell Road bypass and two other schemes.", "cancelled"),
        ("Fjell Road bypass consultation launched today", None),
    ],
)
def test_work_on_a_project_starts_or_halts(sentence: str, status: str | None):
    """Work starting on a project is its development; work halted on it, its cancellation (a
    halt "for the winter only" reads the same: known miss); a consultation about it launched is
    the consultation's start."""
    road = Claim(
        id="road",
        subject="Fjell Road bypass, announced",
        status="confirmed",
        aliases=("Fjell Road bypass",),
    )
    assert _statuses([road], sentence, organizations=("Roads Agency",)) == {"road": status}


@pytest.mark.parametrize(
    "sentence, status",
    [
        ("Orla said it will not pursue the Orla Norway service for now.", "cancelled"),
        ("The regulator has decided not to develop the Orla Norway service.", "cancelled"),
        ("The government banned the Orla Norway service on Friday.", "cancelled"),
        ("A new law prohibiting the Orla Norway service was signed on Friday.", "cancelled"),
        ("Orla hopes the Orla Norway service will not be banned.", None),
    ],
)
def test_a_plan_given_up_or_banned(sentence: str, status: str | None):
    """A plan no longer pursued, or banned by those who decide, is cancelled."""
    assert _statuses([CLAIMS["norway"]], sentence) == {"norway": status}


@pytest.mark.parametrize(
    "sentence, status",
    [
        ("Fjord FC made their debut on Friday with a 2-0 win.", "launched"),
        ("Fjord FC made its official league debut on Sunday.", "launched"),
        ("Fjord FC won its first-ever game on Saturday.", "launched"),
        ("Fjord FC played its inaugural match on Saturday.", "launched"),
        ("Fjord FC will make their debut in March.", None),
    ],
)
def test_a_new_team_plays_its_first_game(sentence: str, status: str | None):
    """A team, a league or a show that made its debut, or played its first-ever or inaugural
    game, has started (a debut "in the League" reads as a showing in a place: known miss)."""
    team = Claim(
        id="team",
        subject="Fjord FC, a new football club",
        status="confirmed",
        aliases=("Fjord FC",),
    )
    assert _statuses([team], sentence, organizations=("Fjord League",)) == {"team": status}


def test_a_company_name_in_a_part_s_bracketed_alias_stays_the_company_s():
    """ "Vandel (Norway)" is Vandel's Norwegian arm; when other arms are claims too ("Vandel
    Sweden"), the company's bare name is none of them, and its news changes no arm."""
    claims = [
        Claim(
            id="no",
            subject="Vandel's Norwegian arm",
            status="unknown",
            aliases=("Vandel (Norway)",),
        ),
        Claim(
            id="se", subject="Vandel's Swedish arm", status="unknown", aliases=("Vandel Sweden",)
        ),
    ]
    text = "Vandel has closed all its stores in Denmark."
    assert _statuses(claims, text, organizations=("Vandel",)) == {}
    text = "Vandel (Norway) has closed all its stores."
    assert _statuses(claims, text, organizations=("Vandel",)) == {"no": "discontinued"}


def test_a_single_part_keeps_the_company_name_without_its_bracket():
    """ "University of Orla (UK)" tracked for its one campus: the bare name still names it."""
    claims = [
        Claim(
            id="campus",
            subject="University of Tarnby's campus in Oslo",
            status="in-development",
            aliases=("University of Tarnby (UK)",),
        )
    ]
    text = "The University of Tarnby was approved by the regulator on Monday."
    assert _statuses(claims, text, organizations=("University of Tarnby",)) == {
        "campus": "approved"
    }


@pytest.mark.parametrize(
    "sentence",
    [
        "Nordmart has filed for bankruptcy protection.",
        "Nordmart files for insolvency in Germany",
    ],
)
def test_a_bankruptcy_filing_asks_no_regulator_for_anything(sentence: str):
    _assert_read("nord", "-", sentence, "")


def test_a_plus_belongs_to_the_name():
    """ "Orla+" is a service of its own: the plain word "orla" in other news is not it."""
    claims = [
        Claim(id="plus", subject="Orla+, a paid plan", status="in-development", aliases=("Orla+",))
    ]
    assert _statuses(claims, "Orla+ launched in Norway on Monday.") == {"plus": "launched"}
    assert _statuses(claims, "Orla launched a new scooter in Norway on Monday.") == {}


@pytest.mark.parametrize(
    ("claim", "status", "sentence"),
    [
        # a noun cue's "of" object given as examples after a comma
        (
            "k5",
            "cancelled",
            "Orla announced the cancellation of two long-planned vehicles, the K5 scooter and a "
            "cargo bike, as it cut costs.",
        ),
        # an amount describes the second of two coordinated names
        (
            "skua",
            "cancelled",
            "The city has scrapped the €40m Tarn battery plant and the €12m Skua ferry.",
        ),
        # "the rival K5" is the K5 itself, described; "a rival to the K5" compares
        ("k5", "launched", "Shops in Spain marked the release of the rival Orla K5 with queues."),
        ("k5", "-", "Nordmart released a rival to the Orla K5 on Monday."),
        # an appositive with its own article renames the object before it
        (
            "hall",
            "launched",
            "Last week saw the opening of a much-loved venue, the Harbour Hall, after two years.",
        ),
        # ", followed by": the later name had the same thing happen to it
        (
            "k5",
            "launched",
            "The Orla M2 went on sale in March 2025, followed by the Orla K5 in June.",
        ),
        ("k5", "-", "The Orla M2 went on sale in March, followed by a price cut in June."),
    ],
)
def test_objects_told_apart_from_their_descriptions(claim: str, status: str, sentence: str):
    _assert_read(claim, status, sentence, "")


@pytest.mark.parametrize(
    ("claim", "status", "sentence"),
    [
        # a halt from outside stops work for now; the owner's own halt gives the thing up
        ("tarn", "-", "A court order has halted the Tarn battery plant."),
        ("tarn", "-", "Regulator halts Tarn plant after safety inspection"),
        ("tarn", "-", "The Tarn battery plant was halted by the city on Monday."),
        ("tarn", "cancelled", "Orla halts Tarn battery plant as demand slumps"),
        ("tarn", "cancelled", "Orla halts plans for the Tarn battery plant."),
        ("nord", "discontinued", "Nordmart halted operations at all its stores on Friday."),
        # work resumed, or a share of it done: the building goes on
        ("k5", "in-development", "Orla has resumed work on the K5 scooter after a pause."),
        ("line9", "in-development", "The Line 9 tram is now 40 per cent complete, the city said."),
        ("line9", "in-development", "Line 9 is about 70 percent complete."),
    ],
)
def test_halts_and_progress(claim: str, status: str, sentence: str):
    _assert_read(claim, status, sentence, "")


@pytest.mark.parametrize(
    ("claim", "status", "sentence"),
    [
        ("k5", "launched", "The Orla K5 scooter entered the market in Spain this week."),
        ("skua", "launched", "The Skua ferry is entering service between the islands today."),
        ("hall", "launched", "Harbour Hall celebrated its grand reopening on Saturday."),
        ("hall", "-", "Harbour Hall is entering its busiest season."),
    ],
)
def test_starts_in_service_and_on_the_market(claim: str, status: str, sentence: str):
    _assert_read(claim, status, sentence, "")


@pytest.mark.parametrize(
    ("claim", "status", "sentence"),
    [
        # "ago" after the verb dates it in the past as much as before it
        ("k5", "-", "I scrapped the K5 scooter as Orla's chief a decade ago, he said."),
        ("k5", "-", "Orla cancelled the K5 scooter two years ago."),
        ("k5", "cancelled", "Orla cancelled the K5 scooter, two years after it was announced."),
    ],
)
def test_a_time_ago_after_its_verb(claim: str, status: str, sentence: str):
    _assert_read(claim, status, sentence, "")


def test_a_tracked_ban_is_not_cancelled_by_its_own_name():
    """A claim that is itself a ban: "ban" in its name, its words in another order, is not a
    cancellation of it; a ban coming into force starts it."""
    claims = [
        Claim(
            id="ban",
            subject="Tarnby's ban on petrol scooters, planned",
            status="expected",
            aliases=("petrol scooters ban in Tarnby",),
        )
    ]
    text = "A ban on petrol scooters in Tarnby has come into force."
    assert _statuses(claims, text) == {"ban": "launched"}
    text = "The ban on petrol scooters in Tarnby has been scrapped."
    assert _statuses(claims, text) == {"ban": "cancelled"}


@pytest.mark.parametrize(
    ("claim", "status", "sentence"),
    [
        ("hall", "-", "Harbour Hall is closed for the winter."),
        ("nord", "discontinued", "The Nordmart weekly ceased publication last month."),
        ("nord", "discontinued", "Nordmart closed its doors on Friday after 90 years."),
        ("nord", "discontinued", "Nordmart printed its last catalogue in May."),
    ],
)
def test_publications_and_doors_close(claim: str, status: str, sentence: str):
    _assert_read(claim, status, sentence, "")


@pytest.mark.parametrize(
    "sentence",
    [
        # the first place right after the colon is in the list too
        "Orla has launched its app-based scooter rental service in four countries: Norway, "
        "Chad, Peru and Fiji.",
        # a long list pushes the owner's name out of the list's own reach, not out of the clause
        "Orla has launched its scooter rental service in six countries: Chad, Peru, Fiji, "
        "Malta, Laos and Norway.",
    ],
)
def test_a_place_anywhere_in_a_list_after_a_colon(sentence: str):
    _assert_read("norway", "launched", sentence, "")


@pytest.mark.parametrize(
    ("sentence", "status"),
    [
        # a run whose length is told has come to its end
        ("Nordmart bows out after nearly five decades", "discontinued"),
        ("Nordmart's last Oslo store bows out after 90 years.", "discontinued"),
        ("Nordmart bows out after half a century of trading.", "discontinued"),
        ("Nordmart bows out after a century.", "discontinued"),
        # ... unless it is still on its way out
        ("Nordmart is shutting down after 90 years", None),
        ("Nordmart will shut down after 90 years, its owner said.", None),
    ],
)
def test_an_end_after_a_long_run(sentence: str, status: str | None):
    _assert_read("nord", status or "-", sentence, "")


@pytest.mark.parametrize(
    ("sentence", "status"),
    [
        # the event named by a noun is the subject of a verb still to come
        ("The launch of the Orla K5 will be the company's biggest yet.", None),
        ("After the launch of the Orla K5 will come a cargo version.", None),
        ("The launch of the Orla K5 was a success, the company said.", "launched"),
    ],
)
def test_a_named_event_with_a_verb_to_come(sentence: str, status: str | None):
    _assert_read("k5", status or "-", sentence, "")


@pytest.mark.parametrize(
    ("claim", "sentence"),
    [
        # a participle after an ordinal describes the noun after it
        ("m2", "The Orla M2 became the first discontinued Nordic scooter to return to shops."),
        # an idiom, not a clearance
        ("vexa", "Regulator clears the air over Vexa"),
        # what comes "ahead of" the name is a time, not what the verb did to it
        ("k5", "Orla Launches Two Cargo Bikes Ahead Of Orla K5"),
    ],
)
def test_descriptions_idioms_and_times_are_not_news(claim: str, sentence: str):
    _assert_read(claim, "-", sentence, "")


@pytest.mark.parametrize(
    ("sentence", "status"),
    [
        # a present verb and a span of time after "in": a time from now
        ("The Orla K5 opens for orders in just two weeks.", None),
        ("The Orla K5 arrives in shops in a few days.", None),
        # a past verb and a span: how long it took
        ("The Orla K5 went on sale in Spain and sold out in two weeks.", "launched"),
    ],
)
def test_a_span_of_time_after_in(sentence: str, status: str | None):
    _assert_read("k5", status or "-", sentence, "")


@pytest.mark.parametrize(
    ("sentence", "status"),
    [
        # a progressive start is happening now, unless a time after it makes it a plan
        ("Orla is launching the K5 scooter across Spain, starting with Madrid.", "launched"),
        ("Orla is launching the K5 scooter this year.", None),
        ("Orla is launching the K5 scooter in the coming months, it said.", None),
    ],
)
def test_a_start_in_progress(sentence: str, status: str | None):
    _assert_read("k5", status or "-", sentence, "")


@pytest.mark.parametrize(
    ("claim", "sentence", "status"),
    [
        ("hall", "Harbour Hall is opening to the public, the city said.", "launched"),
        ("hall", "Harbour Hall is opening Sunday, two years late.", None),
        ("k5", "Orla is releasing the K5 scooter to buyers across Europe.", "launched"),
    ],
)
def test_more_starts_in_progress(claim: str, sentence: str, status: str | None):
    _assert_read(claim, status or "-", sentence, "")


@pytest.mark.parametrize(
    ("claim", "sentence"),
    [
        ("tour", "The Tidewave Tour hits the road in Leeds, the first of forty dates."),
        ("skua", "The Skua ferry started service between the islands on Monday."),
        ("line9", "Line 9 opens to traffic as the city's first tram in decades."),
    ],
)
def test_services_and_tours_start(claim: str, sentence: str):
    _assert_read(claim, "launched", sentence, "")


@pytest.mark.parametrize(
    ("claim", "sentence"),
    [
        ("skua", "Orla puts its new Skua ferry into service between the islands."),
        ("line9", "The first passenger service on Line 9 left the depot at dawn."),
        ("norway", "Orla began offering rides with its Orla Norway service in Oslo on Monday."),
    ],
)
def test_put_into_service_and_offered(claim: str, sentence: str):
    _assert_read(claim, "launched", sentence, "")


@pytest.mark.parametrize(
    ("claim", "sentence"),
    [
        ("line9", "Crews completed the installation of the first rails for Line 9 this week."),
        ("line9", "Workers have installed the first tracks of Line 9 near the harbour."),
    ],
)
def test_first_parts_installed(claim: str, sentence: str):
    _assert_read(claim, "in-development", sentence, "")


@pytest.mark.parametrize(
    ("sentence", "status"),
    [
        # a running service cancelled loses what was still to come of it
        ("Orla has cancelled the Orla M2 scooter, the company said.", "cancelled"),
        # withdrawn from sale, it is over
        ("Orla has axed the Orla M2 scooter, the company said.", "discontinued"),
    ],
)
def test_a_running_subject_cancelled_or_axed(sentence: str, status: str):
    _assert_read("m2", status, sentence, "")


@pytest.mark.parametrize(
    ("claim", "sentence", "status"),
    [
        ("m2", "Orla switches off the Orla M2 app for good.", "discontinued"),
        ("route", "The operator turned off the Tromso-Bodo service in March.", "discontinued"),
        ("tarn", "The Tarn battery plant began commercial operations on Monday.", "launched"),
        # a demand is not a decision
        ("tarn", "Residents demanded the cancellation of the Tarn battery plant.", None),
        ("tarn", "Campaigners have urged the scrapping of the Tarn battery plant.", None),
    ],
)
def test_switched_off_operating_and_demanded(claim: str, sentence: str, status: str | None):
    _assert_read(claim, status or "-", sentence, "")


@pytest.mark.parametrize(
    ("sentence", "status"),
    [
        # "a few weeks ago" after a verb is a time, not its object
        ("We toured Harbour Hall, which reopened a few weeks ago after repairs.", "launched"),
        ("Harbour Hall opened a new cafe on Monday.", None),
    ],
)
def test_a_span_of_time_is_no_object(sentence: str, status: str | None):
    _assert_read("hall", status or "-", sentence, "")


def test_the_subject_after_a_fronted_phrase_owns_its_object():
    """ "Now, ten years later, Acme has opened its first Oslo store": the owner is Acme, not
    "Now"; "Now, Northwind has opened its first Oslo store" stays another owner's."""
    claims = [
        Claim(
            id="oslo",
            subject="Orla's first store in Oslo, planned",
            status="confirmed",
            aliases=("Orla Oslo store", "first Oslo store"),
        )
    ]
    text = "Now, ten years later, Orla has opened its first Oslo store."
    assert _statuses(claims, text) == {"oslo": "launched"}
    text = "Now, ten years later, Northwind has opened its first Oslo store."
    assert _statuses(claims, text) == {"oslo": None}


@pytest.mark.parametrize(
    ("claim", "sentence", "status"),
    [
        # a future told in reported speech: "would" after "said"
        ("hall", "The city said Harbour Hall would close on 27 June for good.", "ending"),
        ("hall", "If funding fails, Harbour Hall would close, the city warned.", None),
    ],
)
def test_a_reported_future_end(claim: str, sentence: str, status: str | None):
    _assert_read(claim, status or "-", sentence, "")


@pytest.mark.parametrize(
    "sentence",
    [
        "Builders begin site work on the Line 9 tram depot extension",
        "The city began work on Line 9 in March.",
    ],
)
def test_work_begun_on_a_project(sentence: str):
    _assert_read("line9", "in-development", sentence, "")


@pytest.mark.parametrize(
    ("sentence", "status"),
    [
        # a price changed is a price paid: the thing is on sale
        ("Orla raised the price of the K5 scooter by ten percent in Spain.", "launched"),
        ("K5 scooter price hike angers Orla riders", "launched"),
        # a price told is not a sale
        ("The price of the Orla K5 scooter was revealed on Monday.", None),
    ],
)
def test_a_price_changed(sentence: str, status: str | None):
    _assert_read("k5", status or "-", sentence, "")


@pytest.mark.parametrize(
    "sentence",
    [
        "The Orla M2 app was taken offline two weeks after its launch.",
        "The Orla M2 scooter has been delisted from every Nordic store.",
        "The Orla M2 rental app is now officially shut down.",
    ],
)
def test_taken_offline_delisted_shut(sentence: str):
    _assert_read("m2", "discontinued", sentence, "")


@pytest.mark.parametrize(
    "sentence",
    [
        "Orla is winding down, a year after the K5 scooter was dropped.",
        "The K5 scooter is being phased out, Orla said.",
        "Orla shuttered the K5 scooter line last month.",
    ],
)
def test_an_end_under_way_of_a_subject_already_dropped_is_nothing_new(sentence: str):
    dropped = replace(CLAIMS["k5"], status="cancelled")
    report = Report(key="p", title=sentence, text="", published="2026-05-10T00:00:00Z")
    seen = {o.claim: o.status for o in DETECTOR.observe(report, {**CLAIMS, "k5": dropped})}
    assert seen.get("k5") in (None, "cancelled")


@pytest.mark.parametrize(
    "sentence",
    [
        "In April, Orla decided to close all of its health clinics.",
        "After a weak year, Orla is shutting down its health clinics.",
        # "all of its ...": a part taken of what follows, not an object of its own
        "Orla is shutting down all of its health clinics.",
    ],
)
def test_the_owner_of_its_after_a_fronted_phrase(sentence: str):
    clinics = Claim(
        id="clinics",
        subject="Orla's health clinics, open",
        status="launched",
        aliases=("Orla health clinics", "Orla's health clinics"),
    )
    detector = Detector([clinics], organizations=("Orla",))
    report = Report(key="p", title=sentence, text="", published="2026-05-10T00:00:00Z")
    assert {o.claim: o.status for o in detector.observe(report)} == {"clinics": "ending"}


def test_an_organisation_hyphenated_name_is_no_pair_of_names():
    # "Vel-Tor" is the company; only "Vel-Tor plant in Chile" names the tracked plant
    plant = Claim(
        id="chile",
        subject="Vel-Tor's recycling plant in Chile, planned",
        status="expected",
        aliases=("Vel-Tor plant in Chile", "Chile plant"),
    )
    detector = Detector([plant], organizations=("Vel-Tor",))
    report = Report(
        key="p",
        title="Vel-Tor suspends operations as it looks for buyers",
        text="",
        published="2026-05-10T00:00:00Z",
    )
    assert [o.status for o in detector.observe(report) if o.status] == []


@pytest.mark.parametrize(
    ("status", "expected"),
    [("in-production", None), ("in-development", "launched")],
)
def test_operations_begun_of_a_site_already_producing(status: str, expected: str | None):
    tarn = replace(CLAIMS["tarn"], status=status)
    report = Report(
        key="p",
        title="Orla has begun operations at the Tarn plant.",
        text="",
        published="2026-05-10T00:00:00Z",
    )
    seen = {o.claim: o.status for o in DETECTOR.observe(report, {**CLAIMS, "tarn": tarn})}
    assert seen.get("tarn") in ((None, status) if expected is None else (expected,))


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # a closing verb with places of business as its object, and examples of them
        ("Nordmart shut 40 stores, including the Oslo flagship.", {"flag": "discontinued"}),
        (
            "Nordmart closed 40 stores last year, including its Oslo flagship.",
            {"flag": "discontinued"},
        ),
        ("Nordmart shuts Oslo flagship store amid wider closures", {"flag": "discontinued"}),
        ("Nordmart goes into liquidation, closes final stores", {"chain": "discontinued"}),
        # some of the chain's stores, or a store described as closed
        ("Nordmart closed 255 stores in April.", {}),
        ("Orla revived its scooter rental from a closed store in Oslo.", {}),
    ],
)
def test_places_of_business_closed(sentence: str, expected: dict[str, str]):
    claims = {
        "flag": Claim(
            id="flag",
            subject="Nordmart's Oslo flagship store, closing",
            status="ending",
            aliases=("Nordmart Oslo flagship", "Oslo flagship", "Oslo flagship store"),
        ),
        "chain": Claim(
            id="chain",
            subject="Nordmart chain, closing its stores",
            status="ending",
            aliases=("Nordmart", "Nordmart chain"),
        ),
    }
    detector = Detector(claims.values(), organizations=("Nordmart",))
    report = Report(key="p", title=sentence, text="", published="2026-05-10T00:00:00Z")
    seen = {o.claim: o.status for o in detector.observe(report) if o.status}
    assert {k: v for k, v in seen.items() if v != claims[k].status} == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # an investment decision taken, told with the finance world's short forms
        ("Orla reached FID on the Vik terminal in March.", "approved"),
        ("The Vik terminal reached financial close on Friday.", "approved"),
        ("Orla announced positive FIDs for the Vik terminal and a second dock.", "approved"),
        (
            "Orla has taken final investment decisions on the Vik terminal and two ferries.",
            "approved",
        ),
        # one still to come, or put off
        ("Orla pushed back the Vik terminal FID to next year.", None),
        ("Orla expects to reach FID on the Vik terminal in 2027.", None),
        ("Orla missed its deadline to take FID on the Vik terminal.", None),
    ],
)
def test_investment_decisions(sentence: str, expected: str | None):
    claim = Claim(
        id="vik",
        subject="Orla's Vik harbour terminal, awaiting an investment decision",
        status="unapproved",
        aliases=("Vik terminal", "Vik harbour terminal"),
    )
    detector = Detector([claim], organizations=("Orla",))
    report = Report(key="p", title=sentence, text="", published="2026-05-10T00:00:00Z")
    seen = {o.claim: o for o in detector.observe(report)}
    o = seen.get("vik")
    got = o.status if o is not None and o.confidence >= DEFAULT_THRESHOLD else None
    assert (None if got == "unapproved" else got) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # a comeback of what had ended says the step back itself ("reactivated" and "is
        # bringing back" were tried: a plane taken out of storage is not yet in service to a
        # fleet labeller, and "its 10 A380s" after another airline's name reads as ours)
        ("Orla puts the V1 ferry back into service for the summer.", "launched"),
        ("The V1 ferry returned to service on Monday.", "launched"),
        ("The V1 ferry made a comeback on the Bodo route this week.", "launched"),
        # one ruled out, or still to come
        ("Orla ruled out bringing back the V1 ferry.", None),
        ("The V1 ferry will not return to service.", None),
    ],
)
def test_a_comeback(sentence: str, expected: str | None):
    claim = Claim(
        id="v1",
        subject="Orla's V1 ferry, retired in 2020",
        status="discontinued",
        aliases=("V1 ferry", "Orla V1"),
    )
    detector = Detector([claim], organizations=("Orla",))
    report = Report(key="p", title=sentence, text="", published="2026-05-10T00:00:00Z")
    seen = {o.claim: o for o in detector.observe(report)}
    o = seen.get("v1")
    got = o.status if o is not None and o.confidence >= DEFAULT_THRESHOLD else None
    assert (None if got == "discontinued" else got) == expected
