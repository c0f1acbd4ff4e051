"""`samverkan tips import-agreements FILE`: idempotent upsert, a bad row named by its line."""

from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from samverkan_shared.cli import main
from samverkan_tips.agreements.csv_import import (
    InvalidRow,
    Term,
    parse_agreements_csv,
    parse_terms,
)
from samverkan_tips.agreements.models import AgreementRecord, AgreementSupplierRecord
from samverkan_tips.suppliers.models import SupplierRecord

HEADER = (
    "agreement_id,agreement_name,area,valid_from,valid_to,terms,owner_org_number,"
    "supplier_org_number,supplier_name\n"
)
OWNER = "556578-5788"  # the purchasing centre
GOOD = HEADER + (
    "hvb-2026,HVB 2026,HVB,2026-04-01,,1:Bemanning dygnet runt|2:Tillstånd från IVO,"
    f"{OWNER},556012-5790,Ny Omsorg AB\n"
    "hvb-2026,HVB 2026,HVB,2026-04-01,,1:Bemanning dygnet runt|2:Tillstånd från IVO,"
    f"{OWNER},556677-8899,Exempel Omsorg AB (nytt namn)\n"
)


def _run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, url: str, content: str
) -> int:
    path = tmp_path / "agreements.csv"
    path.write_text(content, encoding="utf-8")
    monkeypatch.setenv("TIPS_DATABASE_URL", url)
    return main(["tips", "import-agreements", str(path)])


def test_an_import_upserts_and_can_run_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tips_url: str, engine: Engine
) -> None:
    assert _run(tmp_path, monkeypatch, tips_url, GOOD) == 0
    assert _run(tmp_path, monkeypatch, tips_url, GOOD) == 0
    with Session(engine) as session:
        agreement = session.get(AgreementRecord, "hvb-2026")
        links = session.exec(
            select(AgreementSupplierRecord).where(
                AgreementSupplierRecord.agreement_id == "hvb-2026"
            )
        ).all()
        renamed = session.get(SupplierRecord, "556677-8899")
    assert agreement is not None
    assert (agreement.name, agreement.area, agreement.valid_to) == (
        "HVB 2026",
        "HVB",
        None,
    )
    assert agreement.owner_org_number == OWNER
    assert agreement.terms == [
        {"number": 1, "text": "Bemanning dygnet runt"},
        {"number": 2, "text": "Tillstånd från IVO"},
    ]
    assert sorted(link.supplier_org_number for link in links) == [
        "556012-5790",
        "556677-8899",
    ]
    assert renamed is not None
    assert renamed.name == "Exempel Omsorg AB (nytt namn)"


def test_a_bad_row_names_its_line_and_imports_nothing(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    tips_url: str,
    engine: Engine,
    capsys: pytest.CaptureFixture[str],
) -> None:
    bad = GOOD + GOOD.splitlines()[1].replace("556012-5790", "556012-5791") + "\n"
    assert _run(tmp_path, monkeypatch, tips_url, bad) == 2
    assert "line 4: supplier_org_number: the check digit is 1 but should be 0" in (
        capsys.readouterr().err
    )
    with Session(engine) as session:
        assert session.get(AgreementRecord, "hvb-2026") is None


@pytest.mark.parametrize(
    ("row", "line", "message"),
    [
        (f"Hvb,X,HVB,2026-01-01,,1:a,{OWNER},,", 2, "agreement_id must be lowercase"),
        (f"x-1,X,HVB,2026-13-01,,1:a,{OWNER},,", 2, "valid_from"),
        (f"x-1,X,HVB,2026-01-01,2025-01-01,1:a,{OWNER},,", 2, "valid_to lies before"),
        (f"x-1,X,HVB,2026-01-01,,1 a,{OWNER},,", 2, "is not NUMBER:TEXT"),
        (f"x-1,X,HVB,2026-01-01,,1:a|1:b,{OWNER},,", 2, "term 1 appears twice"),
        (f"x-1,,HVB,2026-01-01,,1:a,{OWNER},,", 2, "agreement_name is empty"),
        (f"x-1,X,HVB,2026-01-01,,1:a,{OWNER},556012-5790,", 2, "supplier_name is"),
        # Every agreement has an owner, whose officers manage its tips.
        ("x-1,X,HVB,2026-01-01,,1:a,,,", 2, "owner_org_number is empty"),
        ("x-1,X,HVB,2026-01-01,,1:a,556578-5789,,", 2, "owner_org_number: the check"),
    ],
)
def test_bad_rows(row: str, line: int, message: str) -> None:
    with pytest.raises(InvalidRow, match=message) as raised:
        parse_agreements_csv(HEADER + row + "\n")
    assert raised.value.line == line
    assert str(raised.value).startswith(f"line {line}: ")


def test_rows_of_one_agreement_must_agree() -> None:
    rows = f"x-1,X,HVB,2026-01-01,,1:a,{OWNER},,\nx-1,X,HVB,2026-01-01,,1:b,{OWNER},,\n"
    with pytest.raises(InvalidRow, match="line 3: agreement x-1 has other"):
        parse_agreements_csv(HEADER + rows)


def test_rows_of_one_agreement_must_name_one_owner() -> None:
    rows = (
        f"x-1,X,HVB,2026-01-01,,1:a,{OWNER},,\n"
        "x-1,X,HVB,2026-01-01,,1:a,212000-1124,,\n"
    )
    with pytest.raises(InvalidRow, match="line 3: agreement x-1 has other"):
        parse_agreements_csv(HEADER + rows)


def test_a_missing_column_is_line_1() -> None:
    with pytest.raises(InvalidRow, match="line 1: the header lacks the columns terms"):
        parse_agreements_csv(HEADER.replace("terms,", "") + "x,X,H,2026-01-01,,,,\n")


def test_terms_are_sorted_and_may_hold_colons() -> None:
    assert parse_terms("2: Avtal: bilaga 2 | 1:Bemanning") == (
        Term(1, "Bemanning"),
        Term(2, "Avtal: bilaga 2"),
    )
