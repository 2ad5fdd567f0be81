"""Deal rules: moves in a pipeline, closing, amounts, currencies, effects on the lifecycle."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from builders import spec

from embudo.domain.deals import (
    DealMove,
    DealPosition,
    Orphan,
    check_amount,
    check_currency,
    lose,
    move,
    opening,
    orphan,
    parse_amount,
    stage_on_opening,
    stage_on_winning,
    win,
)
from embudo.domain.errors import EmbudoError, InvalidInput, MoveNotAllowed, NotFound
from embudo.domain.spec import PipelineStageKind

OPEN, WON, LOST = PipelineStageKind.OPEN, PipelineStageKind.WON, PipelineStageKind.LOST
PIPELINES = {
    "treatment": {
        "currency": "EUR",
        "stages": [
            {"key": "first_consultation", "probability": 0.2},
            {"key": "diagnosis", "probability": 0.4},
            {"key": "quote", "probability": 0.6},
            {"key": "treatment_started", "probability": 1, "kind": "won"},
            {"key": "treatment_not_started", "probability": 0, "kind": "lost"},
        ],
    },
    "admissions": {
        "stages": [
            {"key": "info_session", "probability": 0.2},
            {"key": "enrolled", "probability": 1, "kind": "won"},
            {"key": "enrolled_late", "probability": 1, "kind": "won"},
            {"key": "not_enrolled", "probability": 0, "kind": "lost"},
        ]
    },
}
SPEC = spec(
    pipelines=PIPELINES,
    loss_reasons=[{"key": "price"}, {"key": "timing"}],
)
STAGES = "first_consultation, diagnosis, quote, treatment_started, treatment_not_started"


def deal(stage: str = "diagnosis", status: PipelineStageKind = OPEN) -> DealPosition:
    return DealPosition(12, "treatment", stage, status)


@pytest.mark.parametrize(
    ("pipeline", "stage", "expected"),
    [
        ("treatment", None, DealMove(None, "first_consultation", OPEN)),
        ("treatment", "quote", DealMove(None, "quote", OPEN)),
        ("admissions", None, DealMove(None, "info_session", OPEN)),
    ],
)
def test_a_new_deal_starts_in_an_open_stage(
    pipeline: str, stage: str | None, expected: DealMove
) -> None:
    assert opening(SPEC, pipeline, stage, "contact ana") == expected


@pytest.mark.parametrize(
    ("pipeline", "stage", "error", "message"),
    [
        ("dental", None, NotFound, "no pipeline 'dental' (pipelines: treatment, admissions)"),
        (
            "treatment",
            "enrolled",
            MoveNotAllowed,
            f"contact ana: stage 'enrolled' is not in pipeline 'treatment' (stages: {STAGES})",
        ),
        (
            "treatment",
            "treatment_started",
            MoveNotAllowed,
            "contact ana: stage 'treatment_started' is a won stage — a deal starts in an open "
            "stage (first_consultation, diagnosis, quote), then is closed as won or lost",
        ),
    ],
)
def test_a_new_deal_elsewhere_is_refused(
    pipeline: str, stage: str | None, error: type[EmbudoError], message: str
) -> None:
    with pytest.raises(error) as raised:
        opening(SPEC, pipeline, stage, "contact ana")
    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("position", "stage", "expected"),
    [
        (
            deal("first_consultation"),
            "diagnosis",
            DealMove("first_consultation", "diagnosis", OPEN),
        ),
        (deal("diagnosis"), "quote", DealMove("diagnosis", "quote", OPEN)),
        (deal("quote"), "first_consultation", DealMove("quote", "first_consultation", OPEN)),
        (
            deal("treatment_not_started", LOST),
            "quote",
            DealMove("treatment_not_started", "quote", OPEN),
        ),
    ],
    ids=["forward", "forward again", "backward", "reopen a lost deal"],
)
def test_a_deal_moves_any_direction_between_open_stages(
    position: DealPosition, stage: str, expected: DealMove
) -> None:
    assert move(SPEC, position, stage) == expected


@pytest.mark.parametrize(
    ("position", "stage", "error", "message"),
    [
        (
            deal(),
            "enrolled",
            MoveNotAllowed,
            f"deal 12: stage 'enrolled' is not in pipeline 'treatment' (stages: {STAGES})",
        ),
        (
            deal(),
            "nowhere",
            MoveNotAllowed,
            f"deal 12: stage 'nowhere' is not in pipeline 'treatment' (stages: {STAGES})",
        ),
        (
            deal(),
            "treatment_started",
            MoveNotAllowed,
            "deal 12: stage 'treatment_started' closes the deal as won — "
            "close it with: embudo deal won 12 --stage treatment_started",
        ),
        (
            deal(),
            "treatment_not_started",
            MoveNotAllowed,
            "deal 12: stage 'treatment_not_started' closes the deal as lost — "
            "close it with: embudo deal lost 12 --reason R --stage treatment_not_started",
        ),
        (
            deal("treatment_started", WON),
            "quote",
            MoveNotAllowed,
            "deal 12 is won (stage 'treatment_started'), which is final — "
            "record a new purchase as a new deal",
        ),
        (deal(), "diagnosis", InvalidInput, "deal 12 is already in stage 'diagnosis'"),
    ],
    ids=["other pipeline", "unknown", "to won", "to lost", "won is final", "same stage"],
)
def test_refused_moves_say_why(
    position: DealPosition, stage: str, error: type[EmbudoError], message: str
) -> None:
    with pytest.raises(error) as raised:
        move(SPEC, position, stage)
    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("position", "stage", "expected"),
    [
        (deal("quote"), None, DealMove("quote", "treatment_started", WON)),
        (
            DealPosition(3, "admissions", "info_session", OPEN),
            "enrolled_late",
            DealMove("info_session", "enrolled_late", WON),
        ),
    ],
)
def test_win_goes_to_the_first_won_stage_unless_one_is_named(
    position: DealPosition, stage: str | None, expected: DealMove
) -> None:
    assert win(SPEC, position, stage) == expected


def test_lose_needs_a_known_reason_and_goes_to_the_lost_stage() -> None:
    assert lose(SPEC, deal(), "price") == DealMove("diagnosis", "treatment_not_started", LOST)


@pytest.mark.parametrize(
    ("close", "message"),
    [
        (
            lambda: win(SPEC, deal("treatment_started", WON)),
            "deal 12 is already closed (won in stage 'treatment_started') — a won deal is final",
        ),
        (
            lambda: lose(SPEC, deal("treatment_not_started", LOST), "price"),
            "deal 12 is already closed (lost in stage 'treatment_not_started') — "
            "reopen it first: embudo deal move 12 STAGE",
        ),
        (
            lambda: win(SPEC, deal(), "treatment_not_started"),
            "deal 12: stage 'treatment_not_started' is not a won stage of pipeline 'treatment' "
            "(won stages: treatment_started)",
        ),
        (
            lambda: lose(SPEC, deal(), "price", "quote"),
            "deal 12: stage 'quote' is not a lost stage of pipeline 'treatment' "
            "(lost stages: treatment_not_started)",
        ),
        (
            lambda: lose(SPEC, deal(), "too_expensive"),
            "deal 12: unknown loss reason 'too_expensive' (reasons: price, timing)",
        ),
    ],
    ids=["win a won deal", "lose a lost deal", "win at a lost stage", "lose at open", "reason"],
)
def test_refused_closes_say_why(close: Callable[[], DealMove], message: str) -> None:
    with pytest.raises(EmbudoError) as raised:
        close()
    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1200.50", Decimal("1200.50")), (" 0 ", Decimal(0)), ("1e3", Decimal(1000))],
)
def test_amounts_parse_as_decimals(text: str, expected: Decimal) -> None:
    assert parse_amount(text, "deal 1") == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("abc", "deal 1: amount 'abc' is not a number — write it like 1200.50"),
        ("1,200.50", "deal 1: amount '1,200.50' is not a number — write it like 1200.50"),
        ("NaN", "deal 1: amount 'NaN' is not a number — write it like 1200.50"),
        ("Infinity", "deal 1: amount 'Infinity' is not a number — write it like 1200.50"),
        ("-0.01", "deal 1: amount -0.01 is negative — a deal is worth 0 or more"),
        (
            "0.00001",
            "deal 1: amount 0.00001 cannot be stored exactly — "
            "at most 4 decimals and below 100,000,000,000,000",
        ),
    ],
)
def test_bad_amounts_are_refused(text: str, message: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        parse_amount(text, "deal 1")
    assert str(raised.value) == message


def test_trailing_zeros_do_not_count_as_decimals() -> None:
    assert check_amount(Decimal("1.500000"), "deal 1") == Decimal("1.500000")


@pytest.mark.parametrize(("code", "expected"), [("EUR", "EUR"), ("usd", "USD"), ("JPY", "JPY")])
def test_currencies_are_iso_4217_codes(code: str, expected: str) -> None:
    assert check_currency(code, "deal 1") == expected


@pytest.mark.parametrize("code", ["EURO", "XYZ", "", "€"])
def test_unknown_currencies_are_refused(code: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        check_currency(code, "deal 1")
    assert str(raised.value) == (
        f"deal 1: unknown currency '{code}' — give a 3-letter ISO 4217 code such as EUR, USD or GBP"
    )


@pytest.mark.parametrize(
    ("stage", "expected"),
    [
        ("visitor", "opportunity"),
        ("lead", "opportunity"),
        ("sql", "opportunity"),
        ("nurture", "opportunity"),
        ("opportunity", None),
        ("customer", None),
    ],
)
def test_a_new_deal_lifts_its_contact_to_opportunity(stage: str, expected: str | None) -> None:
    assert stage_on_opening(SPEC, stage, "contact 4") == expected


def test_no_deal_for_a_disqualified_contact() -> None:
    with pytest.raises(MoveNotAllowed) as raised:
        stage_on_opening(SPEC, "disqualified", "contact 4")
    assert str(raised.value) == (
        "contact 4 is in stage 'disqualified', out of the funnel — "
        "reopen the contact before opening a deal"
    )


@pytest.mark.parametrize(
    ("stage", "expected"),
    [("opportunity", "customer"), ("nurture", "customer"), ("customer", None)],
)
def test_a_won_deal_makes_a_customer_once(stage: str, expected: str | None) -> None:
    assert stage_on_winning(SPEC, stage) == expected


@pytest.mark.parametrize(
    ("pipeline", "stage", "status", "expected"),
    [
        ("treatment", "quote", "open", None),
        ("treatment", "treatment_started", "won", None),
        (
            "dental",
            "cleaning",
            "open",
            Orphan(
                "pipelines",
                "pipeline 'dental' is removed",
                "keep the pipeline: its deals and their history need it",
            ),
        ),
        (
            "treatment",
            "x_ray",
            "open",
            Orphan(
                "pipelines.treatment.stages",
                "stage 'x_ray' is removed",
                "keep the stage, or move those deals to another stage first",
            ),
        ),
        (
            "treatment",
            "quote",
            "won",
            Orphan(
                "pipelines.treatment.stages",
                "stage 'quote' changes from won to open",
                "keep it won, or move those deals first",
            ),
        ),
    ],
)
def test_a_definition_change_that_strands_deals_is_named(
    pipeline: str, stage: str, status: str, expected: Orphan | None
) -> None:
    assert orphan(SPEC, pipeline, stage, status) == expected
