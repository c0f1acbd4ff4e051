"""Swedish personal identity numbers (personnummer, samordningsnummer): accepted forms
and every rejection. Organisation numbers and municipality codes have modules of their
own (test_org_numbers.py, test_municipality_codes.py)."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samverkan_shared.identifiers import (
    InvalidIdentifier,
    PersonalNumber,
    parse_personal_number,
)

TODAY = date(2026, 6, 15)


def luhn_digit(payload: str) -> str:
    """Check digit computed from the right, the textbook way (independent of the code)."""
    total = 0
    for index, char in enumerate(reversed(payload)):
        digit = int(char) * (2 if index % 2 == 0 else 1)
        total += digit - 9 if digit > 9 else digit
    return str((10 - total % 10) % 10)


def with_check(nine: str) -> str:
    return nine + luhn_digit(nine)


def spelled(nine: str, separator: str = "-") -> str:
    """YYMMDD<separator>NNNN with the right check digit for nine digits."""
    ten = with_check(nine)
    return f"{ten[:6]}{separator}{ten[6:]}"


def parse(value: str) -> PersonalNumber:
    return parse_personal_number(value, today=TODAY)


class TestPersonalNumberAccepted:
    @pytest.mark.parametrize(
        ("value", "normalised", "birth_date"),
        [
            pytest.param(
                "19121212-1212",
                "19121212-1212",
                date(1912, 12, 12),
                id="12 digits with hyphen",
            ),
            pytest.param(
                "191212121212",
                "19121212-1212",
                date(1912, 12, 12),
                id="12 digits plain",
            ),
            pytest.param(
                "121212+1212",
                "19121212-1212",
                date(1912, 12, 12),
                id="10 digits plus: 100 or older",
            ),
            pytest.param(
                "121212-1212",
                "20121212-1212",
                date(2012, 12, 12),
                id="10 digits hyphen: under 100",
            ),
            pytest.param(
                "1212121212",
                "20121212-1212",
                date(2012, 12, 12),
                id="10 digits plain: under 100",
            ),
            pytest.param(
                "20121212-1212",
                "20121212-1212",
                date(2012, 12, 12),
                id="12 digits 21st century",
            ),
            pytest.param(
                " 19121212-1212\n",
                "19121212-1212",
                date(1912, 12, 12),
                id="surrounding whitespace",
            ),
            pytest.param(
                "20" + spelled("000229123"),
                "20" + spelled("000229123"),
                date(2000, 2, 29),
                id="29 February in a leap year",
            ),
        ],
    )
    def test_personnummer_spellings_normalise(
        self, value: str, normalised: str, birth_date: date
    ) -> None:
        number = parse(value)
        assert (str(number), number.normalised) == (normalised, normalised)
        assert number.birth_date == birth_date
        assert number.is_coordination_number is False

    @pytest.mark.parametrize(
        ("value", "birth_date"),
        [
            pytest.param(
                "701063-2391", date(1970, 10, 3), id="Skatteverket's example, day 63"
            ),
            pytest.param(
                with_check("120161123"), date(2012, 1, 1), id="day 61 is the 1st"
            ),
            pytest.param(
                with_check("120191123"), date(2012, 1, 31), id="day 91 is the 31st"
            ),
        ],
    )
    def test_samordningsnummer_keeps_day_plus_60(
        self, value: str, birth_date: date
    ) -> None:
        number = parse(value)
        assert number.is_coordination_number is True
        assert number.birth_date == birth_date
        written_day = value[4:6]
        assert number.normalised[6:8] == written_day

    @pytest.mark.parametrize(
        ("value", "year"),
        [
            pytest.param(with_check("260615123"), 2026, id="born today: this century"),
            pytest.param(
                with_check("260616123"),
                1926,
                id="date still to come this year: a century ago",
            ),
            pytest.param(
                with_check("270101123"), 1927, id="year after this: a century ago"
            ),
            pytest.param(with_check("000101123"), 2000, id="00 is 2000"),
            pytest.param(
                spelled("260615123", "+"), 1926, id="plus on the 100th birthday"
            ),
            pytest.param(
                spelled("260616123", "+"), 1826, id="plus, 100th birthday still to come"
            ),
        ],
    )
    def test_ten_digit_century_is_resolved_against_today(
        self, value: str, year: int
    ) -> None:
        assert parse(value).birth_date.year == year

    def test_default_today_is_used_when_none_given(self) -> None:
        # Two days ahead is in the future in every time zone.
        later = datetime.now(UTC).date() + timedelta(days=2)
        value = f"{later.year // 100}{spelled(f'{later:%y%m%d}123')}"
        with pytest.raises(InvalidIdentifier, match="after today"):
            parse_personal_number(value)

    def test_repr_hides_the_number(self) -> None:
        number = parse("19121212-1212")
        assert "1212" not in repr(number)
        assert repr(number) == "PersonalNumber(<personnummer redacted>)"


class TestPersonalNumberRejected:
    @pytest.mark.parametrize(
        ("value", "message"),
        [
            pytest.param("", "is required", id="empty"),
            pytest.param(
                "121212-121", "has 9 digits but should have 10 or 12", id="9 digits"
            ),
            pytest.param(
                "1912121212123",
                "has 13 digits but should have 10 or 12",
                id="13 digits",
            ),
            pytest.param("19121212-12A2", "characters other than digits", id="letter"),
            pytest.param(
                "19121212 1212", "characters other than digits", id="space as separator"
            ),
            pytest.param(
                "١٢١٢١٢-١٢١٢", "characters other than digits", id="non-ASCII digits"
            ),
            pytest.param(
                "1912-12121212",
                "separator in the wrong place",
                id="separator in the date",
            ),
            pytest.param(
                "19121212--1212", "separator in the wrong place", id="double separator"
            ),
            pytest.param(
                "19121212+1212",
                "'+' separator belongs only to the 10-digit form",
                id="plus in 12-digit form",
            ),
            pytest.param(
                "19121212-1213",
                "the check digit is 3 but should be 2",
                id="wrong check digit",
            ),
            pytest.param("121312-1212", "month 13 is not a month", id="month 13"),
            pytest.param("120012-1212", "month 00 is not a month", id="month 00"),
            pytest.param(
                "20121232-1212", "day 32 is neither a day of birth", id="day 32"
            ),
            pytest.param(
                "20121200-1212", "day 00 is neither a day of birth", id="day 00"
            ),
            pytest.param(
                "20121260-1212", "day 60 is neither a day of birth", id="day 60"
            ),
            pytest.param(
                "20121292-1212",
                "day 92 is neither a day of birth",
                id="coordination day 92",
            ),
            pytest.param(
                "20120431-1212", "day 31 is not a date in 2012-04", id="31 April"
            ),
            pytest.param(
                "20230229-1212",
                "day 29 is not a date in 2023-02",
                id="29 February in a common year",
            ),
            pytest.param(
                "19000229-1212",
                "day 29 is not a date in 1900-02",
                id="29 February 1900 (century rule)",
            ),
            pytest.param(
                "20120290-1212",
                "day 30 (written 90) is not a date in 2012-02",
                id="coordination 30 February",
            ),
            pytest.param(
                "20300101-1212",
                "the birth date lies after today (2026-06-15)",
                id="future date",
            ),
            pytest.param("20260616-1212", "lies after today", id="tomorrow"),
        ],
    )
    def test_rejection_says_what_is_wrong(self, value: str, message: str) -> None:
        with pytest.raises(InvalidIdentifier, match=re.escape(message)) as caught:
            parse(value)
        digits = "".join(char for char in value if char.isdigit())
        if len(digits) >= 10:
            assert digits not in str(caught.value).replace("-", "")
            assert value.strip() not in str(caught.value)

    def test_direct_construction_checks_the_check_digit(self) -> None:
        with pytest.raises(InvalidIdentifier, match="check digit is 3 but should be 2"):
            PersonalNumber(date(1912, 12, 12), "1213")


class TestAge:
    @pytest.mark.parametrize(
        ("born", "on", "age"),
        [
            pytest.param(
                date(2012, 12, 12), date(2026, 12, 11), 13, id="day before birthday"
            ),
            pytest.param(date(2012, 12, 12), date(2026, 12, 12), 14, id="on birthday"),
            pytest.param(
                date(2008, 2, 29),
                date(2026, 2, 28),
                17,
                id="29 Feb born, 28 Feb common year",
            ),
            pytest.param(
                date(2008, 2, 29),
                date(2026, 3, 1),
                18,
                id="29 Feb born, 1 Mar common year",
            ),
            pytest.param(
                date(2008, 2, 29), date(2028, 2, 29), 20, id="29 Feb born, leap year"
            ),
        ],
    )
    def test_age_counts_completed_years(self, born: date, on: date, age: int) -> None:
        nine = f"{born:%y%m%d}123"
        number = PersonalNumber(born, with_check(nine)[6:])
        assert number.age_on(on) == age


@st.composite
def valid_numbers(draw: st.DrawFn) -> tuple[date, bool, str]:
    """A birth date up to 199 years back, coordination or not, and its 10 digits."""
    born = draw(st.dates(min_value=date(TODAY.year - 199, 1, 1), max_value=TODAY))
    coordination = draw(st.booleans())
    birth_number = draw(st.integers(min_value=0, max_value=999))
    day = born.day + (60 if coordination else 0)
    return born, coordination, with_check(f"{born:%y%m}{day:02d}{birth_number:03d}")


def ten_digit_form(born: date, ten: str) -> str:
    age = TODAY.year - born.year - ((TODAY.month, TODAY.day) < (born.month, born.day))
    return f"{ten[:6]}{'+' if age >= 100 else '-'}{ten[6:]}"


class TestPersonalNumberProperties:
    @given(valid_numbers())
    def test_every_valid_number_round_trips(self, case: tuple[date, bool, str]) -> None:
        born, coordination, ten = case
        twelve = f"{born.year:04d}{ten[2:6]}-{ten[6:]}"
        for spelling in (twelve, twelve.replace("-", ""), ten_digit_form(born, ten)):
            number = parse(spelling)
            assert number.normalised == twelve
            assert number.birth_date == born
            assert number.is_coordination_number is coordination

    @given(valid_numbers())
    def test_normalising_is_idempotent(self, case: tuple[date, bool, str]) -> None:
        born, _, ten = case
        number = parse(ten_digit_form(born, ten))
        again = parse(str(number))
        assert again == number
        assert str(again) == str(number)

    @given(
        valid_numbers(),
        st.integers(min_value=0, max_value=9),
        st.integers(min_value=1, max_value=9),
    )
    def test_any_single_digit_change_is_rejected(
        self, case: tuple[date, bool, str], position: int, shift: int
    ) -> None:
        born, _, ten = case
        digit = str((int(ten[position]) + shift) % 10)
        changed = ten[:position] + digit + ten[position + 1 :]
        with pytest.raises(InvalidIdentifier) as caught:
            parse(f"{born.year // 100}{changed[:6]}-{changed[6:]}")
        if position >= 6:  # birth number or check digit: only Luhn can notice
            assert "check digit" in str(caught.value)
