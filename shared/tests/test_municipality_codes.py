"""Swedish municipality codes: the shipped list of 290, their names, every rejection."""

import csv
import io
import re
from importlib import resources

import pytest

from samverkan_shared.identifiers import (
    InvalidIdentifier,
    municipality_name,
    parse_municipality_code,
)


def shipped_rows() -> list[dict[str, str]]:
    text = (
        resources.files("samverkan_shared")
        .joinpath("kommunkoder.csv")
        .read_text(encoding="utf-8")
    )
    reader = csv.DictReader(io.StringIO(text))
    assert reader.fieldnames == ["code", "name"]
    return list(reader)


class TestMunicipalityCode:
    def test_all_290_codes_load_and_are_unique(self) -> None:
        rows = shipped_rows()
        codes = [row["code"] for row in rows]
        assert len(rows) == 290
        assert len(set(codes)) == 290
        assert len({row["name"] for row in rows}) == 290
        for row in rows:
            assert parse_municipality_code(row["code"]) == row["code"]
            assert municipality_name(row["code"]) == row["name"]

    def test_codes_start_with_one_of_the_21_county_codes(self) -> None:
        counties = {row["code"][:2] for row in shipped_rows()}
        assert counties == {
            f"{county:02d}"
            for county in (*range(1, 11), 12, 13, 14, *range(17, 26))
            if county != 2
        }

    @pytest.mark.parametrize(
        ("code", "name"),
        [
            pytest.param("0114", "Upplands Väsby", id="first code"),
            pytest.param("0180", "Stockholm", id="Stockholm"),
            pytest.param("0980", "Gotland", id="only one in its county"),
            pytest.param("1280", "Malmö", id="Malmö"),
            pytest.param("1281", "Lund", id="Lund"),
            pytest.param("1480", "Göteborg", id="Göteborg"),
            pytest.param("2584", "Kiruna", id="last code"),
        ],
    )
    def test_known_codes_have_their_names(self, code: str, name: str) -> None:
        assert municipality_name(code) == name
        assert parse_municipality_code(f" {code} ") == code

    @pytest.mark.parametrize(
        ("value", "message"),
        [
            pytest.param(
                "1289",
                "1289 is not a Swedish municipality code",
                id="unused code in Skåne",
            ),
            pytest.param(
                "0100",
                "0100 is not a Swedish municipality code",
                id="county code padded",
            ),
            pytest.param(
                "1100", "1100 is not a Swedish municipality code", id="former county 11"
            ),
            pytest.param("128", "four digits", id="3 digits"),
            pytest.param("12800", "four digits", id="5 digits"),
            pytest.param("12a0", "four digits", id="letter"),
            pytest.param("", "four digits", id="empty"),
        ],
    )
    def test_rejection_says_what_is_wrong(self, value: str, message: str) -> None:
        with pytest.raises(InvalidIdentifier, match=re.escape(message)):
            parse_municipality_code(value)
        with pytest.raises(InvalidIdentifier, match=re.escape(message)):
            municipality_name(value)
