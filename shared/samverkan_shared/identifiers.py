"""Swedish identity numbers and municipality codes: validation and normalised forms."""

import csv
import io
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from importlib import resources
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "InvalidIdentifier",
    "PersonalNumber",
    "municipality_name",
    "parse_municipality_code",
    "parse_org_number",
    "parse_personal_number",
]

_PERSONAL_FORMS = "YYYYMMDD-NNNN (or YYMMDD-NNNN, YYMMDD+NNNN from 100 years of age)"
_ORG_FORMS = "NNNNNN-NNNN (or NNNNNNNNNN, 16NNNNNNNNNN)"
# [0-9], not \d: \d also matches other scripts' digits, which int() would accept.
_PERSONAL_PATTERN = re.compile(
    r"(?P<date>[0-9]{8}|[0-9]{6})(?P<separator>[-+]?)(?P<serial>[0-9]{4})"
)
_ORG_PATTERN = re.compile(r"(?:16)?(?P<first>[0-9]{6})-?(?P<last>[0-9]{4})")
_FOUR_DIGITS = re.compile(r"[0-9]{4}")
# Skatteverket writes a samordningsnummer's day of birth plus 60.
_COORDINATION_OFFSET = 60


class InvalidIdentifier(ValueError):
    """An identifier failed validation.

    The message says what is wrong and which form is expected. It never repeats a
    submitted personal number, because these messages end up in logs and responses.
    """


@dataclass(frozen=True, repr=False)
class PersonalNumber:
    """A valid personnummer or samordningsnummer (coordination number).

    ``str()`` and ``normalised`` give the 12-digit form ``YYYYMMDD-NNNN`` (for a
    samordningsnummer the day is written plus 60); ``repr()`` hides the number so a
    stray debug log does not leak it.
    """

    birth_date: date
    serial: str  # the last four digits: birth number (3) and check digit (1)
    is_coordination_number: bool = False

    def __post_init__(self) -> None:
        if _FOUR_DIGITS.fullmatch(self.serial) is None:
            raise InvalidIdentifier("the last part must be four digits (NNNN)")
        _verify_check_digit(self._ten_digits())

    @property
    def normalised(self) -> str:
        """The 12-digit form ``YYYYMMDD-NNNN``, one spelling per person."""
        return f"{self.birth_date.year:04d}{self._month_day()}-{self.serial}"

    def age_on(self, on: date) -> int:
        """Completed years on ``on``; a 29 February birthday counts from 1 March."""
        born = self.birth_date
        before_birthday = (on.month, on.day) < (born.month, born.day)
        return on.year - born.year - int(before_birthday)

    def __str__(self) -> str:
        return self.normalised

    def __repr__(self) -> str:
        kind = "samordningsnummer" if self.is_coordination_number else "personnummer"
        return f"PersonalNumber(<{kind} redacted>)"

    def _month_day(self) -> str:
        day = self.birth_date.day
        if self.is_coordination_number:
            day += _COORDINATION_OFFSET
        return f"{self.birth_date.month:02d}{day:02d}"

    def _ten_digits(self) -> str:
        return f"{self.birth_date.year % 100:02d}{self._month_day()}{self.serial}"


def parse_personal_number(value: str, *, today: date | None = None) -> PersonalNumber:
    """Parse a personnummer or samordningsnummer in any accepted spelling.

    Accepts ``YYYYMMDD-NNNN``, ``YYYYMMDDNNNN``, ``YYMMDD-NNNN``, ``YYMMDDNNNN`` and
    ``YYMMDD+NNNN`` (``+``: the person is 100 or older). A 10-digit form belongs to
    the latest century that puts the birth date on or before ``today`` (default:
    today in Sweden), minus another hundred years for ``+``, as Skatteverket writes
    them. The check digit is the Luhn digit over the 10-digit form.
    """
    today = today or _today_in_sweden()
    match = _PERSONAL_PATTERN.fullmatch(value.strip())
    if match is None:
        raise InvalidIdentifier(
            _describe_shape(value, "a personal number", _PERSONAL_FORMS)
        )
    date_digits, separator, serial = match.group("date", "separator", "serial")
    if len(date_digits) == 8 and separator == "+":
        raise InvalidIdentifier(
            "the '+' separator belongs only to the 10-digit form YYMMDD+NNNN; "
            "write the 12-digit form as YYYYMMDD-NNNN"
        )
    month = int(date_digits[-4:-2])
    day, is_coordination = _split_coordination_day(int(date_digits[-2:]))
    year = _resolve_year(date_digits, separator, (month, day), today)
    birth_date = _calendar_date(year, month, day, is_coordination=is_coordination)
    if birth_date > today:
        raise InvalidIdentifier(
            f"the birth date lies after today ({today.isoformat()})"
        )
    return PersonalNumber(birth_date, serial, is_coordination)


def parse_org_number(value: str) -> str:
    """Parse an organisationsnummer and return it as ``NNNNNN-NNNN``.

    Accepts ``NNNNNN-NNNN``, ``NNNNNNNNNN`` and the 12-digit forms prefixed with
    ``16``. Only legal entities are accepted (third digit 2 or higher): a sole
    trader's number is the owner's personnummer, personal data that must go through
    ``parse_personal_number`` instead. The last digit is a Luhn check digit.
    """
    match = _ORG_PATTERN.fullmatch(value.strip())
    if match is None:
        raise InvalidIdentifier(_describe_org_shape(value))
    digits = match["first"] + match["last"]
    if digits[2] < "2":
        raise InvalidIdentifier(
            f"the third digit is {digits[2]} but a legal entity's organisation number "
            "has 2 or higher there; a sole trader (enskild firma) is identified by "
            "the owner's personnummer, which is not accepted here"
        )
    _verify_check_digit(digits)
    return f"{digits[:6]}-{digits[6:]}"


def parse_municipality_code(value: str) -> str:
    """Parse a four-digit kommunkod that names one of Sweden's municipalities."""
    code = value.strip()
    if _FOUR_DIGITS.fullmatch(code) is None:
        raise InvalidIdentifier(
            "a municipality code is four digits, e.g. 1280 for Malmö (SCB kommunkod)"
        )
    if code not in _municipalities():
        raise InvalidIdentifier(
            f"{code} is not a Swedish municipality code (SCB's list of 290 kommuner)"
        )
    return code


def municipality_name(code: str) -> str:
    """The municipality's name for a kommunkod, e.g. ``"Malmö"`` for ``"1280"``."""
    return _municipalities()[parse_municipality_code(code)]


@cache
def _municipalities() -> dict[str, str]:
    """Code → name from the shipped SCB list, read on first use."""
    text = (
        resources.files("samverkan_shared")
        .joinpath("kommunkoder.csv")
        .read_text(encoding="utf-8")
    )
    return {row["code"]: row["name"] for row in csv.DictReader(io.StringIO(text))}


def _describe_shape(value: str, noun: str, forms: str) -> str:
    """Explain why a value has the wrong shape, without repeating the value."""
    stripped = value.strip()
    if not stripped:
        return f"{noun} is required, written {forms}"
    if re.fullmatch(r"[0-9+-]+", stripped) is None:
        return (
            f"{noun} contains characters other than digits and a separator; "
            f"expected {forms}"
        )
    count = sum(char.isdigit() for char in stripped)
    if count not in (10, 12):
        return f"{noun} has {count} digits but should have 10 or 12; expected {forms}"
    return f"{noun} has its separator in the wrong place; expected {forms}"


def _describe_org_shape(value: str) -> str:
    digits = value.strip().replace("-", "")
    if len(digits) == 12 and digits.isdigit() and not digits.startswith("16"):
        return f"a 12-digit organisation number starts with 16; expected {_ORG_FORMS}"
    return _describe_shape(value, "an organisation number", _ORG_FORMS)


def _split_coordination_day(written_day: int) -> tuple[int, bool]:
    """Day of birth and whether the number is a samordningsnummer."""
    if 1 <= written_day <= 31:
        return written_day, False
    if 1 + _COORDINATION_OFFSET <= written_day <= 31 + _COORDINATION_OFFSET:
        return written_day - _COORDINATION_OFFSET, True
    raise InvalidIdentifier(
        f"day {written_day:02d} is neither a day of birth (01–31) "
        "nor a samordningsnummer day (61–91)"
    )


def _resolve_year(
    date_digits: str, separator: str, month_day: tuple[int, int], today: date
) -> int:
    if len(date_digits) == 8:
        return int(date_digits[:4])
    two_digits = int(date_digits[:2])
    year = today.year - (today.year - two_digits) % 100
    if year == today.year and month_day > (today.month, today.day):
        year -= (
            100  # this year's date is still to come: the person was born a century ago
        )
    if separator == "+":
        year -= 100
    return year


def _calendar_date(year: int, month: int, day: int, *, is_coordination: bool) -> date:
    if not 1 <= month <= 12:
        raise InvalidIdentifier(f"month {month:02d} is not a month (01–12)")
    try:
        return date(year, month, day)
    except ValueError:
        written = f" (written {day + _COORDINATION_OFFSET})" if is_coordination else ""
        raise InvalidIdentifier(
            f"day {day:02d}{written} is not a date in {year:04d}-{month:02d}"
        ) from None


def _luhn_check_digit(payload: str) -> int:
    """The Luhn digit for nine digits: weights 2, 1, 2, … from the left."""
    total = 0
    for position, char in enumerate(payload):
        product = int(char) * (2 - position % 2)
        total += product // 10 + product % 10
    return (10 - total % 10) % 10


def _verify_check_digit(ten_digits: str) -> None:
    expected = _luhn_check_digit(ten_digits[:9])
    written = int(ten_digits[9])
    if written != expected:
        raise InvalidIdentifier(
            f"the check digit is {written} but should be {expected}; "
            "is a digit mistyped?"
        )


def _today_in_sweden() -> date:
    # The identifiers are Swedish, so "the future" starts at midnight in Stockholm.
    try:
        zone = ZoneInfo("Europe/Stockholm")
    except ZoneInfoNotFoundError:  # slim images may lack tzdata; UTC is hours off
        return datetime.now(UTC).date()
    return datetime.now(zone).date()
