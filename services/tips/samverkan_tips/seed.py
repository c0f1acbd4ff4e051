"""Demo data for `make run`: four framework agreements, seven suppliers, five tips, one
stop, one case note.

The purchasing centre owns the agreements and manages their tips (moves, the stop, the
note); Malmö files the tips and reads them as their filer. The tips were filed some
working days before the day of the first seed, so that three are overdue: one waits
to be acknowledged, two to be decided (default policy: 2 and 20 working days).

Idempotent: agreements are upserted, tips are filed with fixed Idempotency-Keys (a second
run gets the same tips back), moves and the call-off stop are applied only to tips and
suppliers that have not had them. Everything goes through the same service functions as
the API, so the demo data is exactly what the API would have stored.
"""

import csv
import io
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlmodel import Session

from samverkan_shared.crypto import Keyring
from samverkan_shared.db import make_engine
from samverkan_shared.sessions import writing_session
from samverkan_tips.agreements.csv_import import COLUMNS, parse_agreements_csv
from samverkan_tips.agreements.service import import_agreements
from samverkan_tips.deadlines.policy import DeadlinePolicy
from samverkan_tips.notes.schemas import NoteCreate
from samverkan_tips.notes.service import add_note
from samverkan_tips.settings import TipsSettings
from samverkan_tips.suppliers.schemas import CallOffStopCreate
from samverkan_tips.suppliers.service import stop_call_offs, supplier_view
from samverkan_tips.tips.access import Caller
from samverkan_tips.tips.schemas import TipCreate, TipTransition, today_in_sweden
from samverkan_tips.tips.service import file_tip, transition_tip
from samverkan_tips.tips.workflow import TipStatus
from samverkan_tips.working_days import add_working_days, is_working_day

__all__ = [
    "DEMO_AGREEMENTS_CSV",
    "DEMO_TIPS",
    "PURCHASING_CENTRE",
    "SEED_CALLER",
    "SEED_MANAGER",
    "seed",
]

_SWEDEN = ZoneInfo("Europe/Stockholm")
MALMO = "212000-1124"
# The demo purchasing centre (Adda Inköpscentral AB), owner of the demo agreements;
# sharing's demo client `adda-manager` is its tip function.
PURCHASING_CENTRE = "556578-5788"
SEED_CALLER = Caller(client_id="demo-seed", org_number=MALMO)
SEED_MANAGER = Caller(
    client_id="demo-seed-manager", org_number=PURCHASING_CENTRE, manages=True
)

_HVB = (
    "1:Föreståndare med socionomexamen|2:Bemanning dygnet runt enligt anbud|"
    "3:Genomförandeplan inom 30 dagar|4:Avvikelser rapporteras till placerande kommun"
)
_STOD = "1:Personal tillgänglig dygnet runt|2:Boendestödjare med relevant utbildning"
_FAM = "1:Handledning av familjehem varje månad|2:Konsulent nåbar dygnet runt"
_ASS = "1:Assistenter med kollektivavtal|2:Tidrapporter enligt Försäkringskassans krav"
_AGREEMENTS = {
    "hvb-2022": ("HVB barn och unga 2022", "HVB", "2022-04-01", "2027-03-31", _HVB),
    "stodboende-2023": ("Stödboende 2023", "Stödboende", "2023-01-01", "", _STOD),
    "familjehem-2023": (
        "Konsulentstödd familjehemsvård 2023",
        "Konsulentstödd familjehemsvård",
        "2023-06-01",
        "2027-05-31",
        _FAM,
    ),
    "assistans-2024": (
        "Personlig assistans 2024",
        "Personlig assistans",
        "2024-01-01",
        "2027-12-31",
        _ASS,
    ),
}
# Org numbers with valid Luhn check digits (parse_org_number accepts them).
_SELECTION = (
    ("hvb-2022", "556677-8899", "Exempel Omsorg AB"),
    ("hvb-2022", "559123-4561", "Trygga Hem HVB AB"),
    ("hvb-2022", "556900-1125", "Omsorgspartner i Skåne AB"),
    ("stodboende-2023", "556677-8899", "Exempel Omsorg AB"),
    ("stodboende-2023", "559234-5671", "Nya Vägen Stödboende AB"),
    ("familjehem-2023", "556781-2341", "Familjestöd Syd AB"),
    ("familjehem-2023", "556900-1125", "Omsorgspartner i Skåne AB"),
    ("assistans-2024", "559012-3450", "Assistansbolaget Norr AB"),
    ("assistans-2024", "556345-6788", "Personlig Assistans Väst AB"),
)


def _demo_csv() -> str:
    output = io.StringIO()
    writer = csv.writer(output, lineterminator="\n")
    writer.writerow(COLUMNS)
    for agreement_id, org_number, name in _SELECTION:
        agreement = _AGREEMENTS[agreement_id]
        writer.writerow([agreement_id, *agreement, PURCHASING_CENTRE, org_number, name])
    return output.getvalue()


DEMO_AGREEMENTS_CSV = _demo_csv()


@dataclass(frozen=True)
class DemoTip:
    key: str
    body: dict[str, Any]
    moves: tuple[TipTransition, ...] = ()
    stop: str | None = field(default=None)  # the call-off stop it leads to
    # Filed this many working days before the seed's day (in this order: filing
    # times only grow); each move this many working days after filing.
    filed_ago: int = 0
    moved_after: tuple[int, ...] = ()
    note: str | None = None  # the owner's case note on it


def _reporter(activity: str) -> dict[str, Any]:
    return {
        "municipality_code": "1280",
        "unit": "IFO Barn och unga"
        if activity == "social_services"
        else "Avtalsuppföljning",
        "activity": activity,
        "contact_email": "tips@malmo.se",
    }


def _body(org: str, name: str, agreement: str, **rest: Any) -> dict[str, Any]:
    return {
        "supplier": {"org_number": org, "name": name},
        "agreement_id": agreement,
        **rest,
    }


DEMO_TIPS = (
    DemoTip(
        "demo-tip-1",
        _body(
            "559123-4561",
            "Trygga Hem HVB AB",
            "hvb-2022",
            categories=["staffing", "safety"],
            description="Nattbemanning saknades tre nätter; en placerad pojke rymde.",
            occurred_on="2026-03-14",
            reporter=_reporter("social_services"),
            persons=[{"personal_number": "20121212-1212", "role": "placed_child"}],
        ),
        moves=(
            TipTransition(
                to=TipStatus.INVESTIGATING, reason="Utreds av Inköpscentralen"
            ),
            TipTransition(
                to=TipStatus.SUBSTANTIATED,
                reason="Bemanningen bekräftad vid oanmält besök",
                breached_terms=[2, 4],
            ),
        ),
        stop="Brister i bemanning enligt ramavtalets villkor 2 och 4",
        filed_ago=45,
        moved_after=(1, 12),
    ),
    DemoTip(
        "demo-tip-2",
        _body(
            "556677-8899",
            "Exempel Omsorg AB",
            "hvb-2022",
            categories=["documentation"],
            description="Genomförandeplaner saknas för flera placeringar.",
            occurred_on="2026-05-02",
            reporter=_reporter("procurement_follow_up"),
        ),
        filed_ago=30,  # never acknowledged: both deadlines missed
    ),
    DemoTip(
        "demo-tip-3",
        _body(
            "559012-3450",
            "Assistansbolaget Norr AB",
            "assistans-2024",
            categories=["invoicing", "financial_irregularities"],
            description="Tidrapporter för assistans som inte utförts, enligt anställd.",
            occurred_on="2026-06-20",
            reporter=_reporter("whistleblowing_channel"),
            persons=[{"personal_number": "19850412-4564", "role": "client"}],
        ),
        filed_ago=22,
    ),
    DemoTip(
        "demo-tip-4",
        _body(
            "556781-2341",
            "Familjestöd Syd AB",
            "familjehem-2023",
            categories=["competence"],
            description="Familjehemmet har inte fått handledning sedan i våras.",
            occurred_on="2026-08-30",
            reporter=_reporter("social_services"),
            persons=[{"personal_number": "20150603-2380", "role": "placed_child"}],
        ),
        moves=(TipTransition(to=TipStatus.INVESTIGATING, reason="Begärt underlag"),),
        filed_ago=21,  # acknowledged the next day, not decided in 20
        moved_after=(1,),
        note="Familjehemskonsulenten ringd; handledningsprotokoll begärda till "
        "nästa vecka.",
    ),
    DemoTip(
        "demo-tip-5",
        _body(
            "559234-5671",
            "Nya Vägen Stödboende AB",
            "stodboende-2023",
            categories=["care_quality", "permits"],
            description="Boende utan tillstånd från IVO för målgruppen.",
            occurred_on="2026-05-10",
            reporter=_reporter("health_care"),
            persons=[
                {"personal_number": "20090228-3399", "role": "placed_child"},
                {"personal_number": "19720315-4823", "role": "relative"},
            ],
        ),
    ),
)


def seed(data_dir: Path) -> None:
    """Load the demo data into the tips database named by the environment."""
    settings = TipsSettings(data_dir=data_dir)
    keyring = settings.keyring()
    engine = make_engine(settings.effective_database_url)
    deadlines, today = settings.deadline_policy(), today_in_sweden()
    try:
        with Session(engine) as session:
            import_agreements(session, parse_agreements_csv(DEMO_AGREEMENTS_CSV))
        for demo in DEMO_TIPS:
            _seed_tip(engine, keyring, demo, deadlines, today)
    finally:
        engine.dispose()


def _seed_tip(
    engine: Engine,
    keyring: Keyring,
    demo: DemoTip,
    deadlines: DeadlinePolicy,
    today: date,
) -> None:
    filed = _working_days_before(today, demo.filed_ago)
    with writing_session(engine) as session:
        tip = file_tip(
            session,
            TipCreate.model_validate(demo.body),
            caller=SEED_CALLER,
            keyring=keyring,
            idempotency_key=demo.key,
            now=_at(filed, 9),
            deadlines=deadlines,
        )
    if tip.status is TipStatus.RECEIVED:  # moved before: a second run leaves it
        for move, after in zip(demo.moves, demo.moved_after, strict=True):
            moved = _at(add_working_days(filed, after), 10)
            _move(engine, keyring, tip.id, move, moved)
    if demo.stop is not None:
        _stop(engine, tip.supplier.org_number, demo.stop, tip.id)
    if demo.note is not None:
        with writing_session(engine) as session:
            body = NoteCreate(text=demo.note)
            add_note(
                session,
                tip.id,
                body,
                caller=SEED_MANAGER,
                keyring=keyring,
                idempotency_key=f"{demo.key}-note",  # a second run replays it
            )


def _working_days_before(day: date, count: int) -> date:
    while count:
        day -= timedelta(days=1)
        count -= is_working_day(day)
    return day


def _at(day: date, hour: int) -> datetime:
    """``hour`` o'clock on that Swedish day, but never later than now."""
    return min(datetime.combine(day, time(hour), _SWEDEN), datetime.now(UTC))


def _move(
    engine: Engine,
    keyring: Keyring,
    tip_id: uuid.UUID,
    move: TipTransition,
    at: datetime,
) -> None:
    with writing_session(engine) as session:
        transition_tip(
            session, tip_id, move, caller=SEED_MANAGER, keyring=keyring, now=at
        )


def _stop(engine: Engine, org_number: str, reason: str, tip_id: uuid.UUID) -> None:
    with writing_session(engine) as session:
        if supplier_view(session, org_number).history:
            return  # stopped (or stopped and lifted) before: leave the operator's state
        body = CallOffStopCreate(reason=reason, tip_ids=[tip_id])
        stop_call_offs(session, org_number, body, caller=SEED_MANAGER)
