"""Swedish organisation numbers: accepted spellings and every rejection."""

import re

import pytest

from samverkan_shared.identifiers import InvalidIdentifier, parse_org_number


class TestOrgNumber:
    @pytest.mark.parametrize(
        "value",
        [
            pytest.param("556677-8899", id="hyphen"),
            pytest.param("5566778899", id="plain"),
            pytest.param("165566778899", id="12 digits with 16"),
            pytest.param("16556677-8899", id="12 digits with 16 and hyphen"),
            pytest.param(" 556677-8899 ", id="surrounding whitespace"),
        ],
    )
    def test_spellings_normalise(self, value: str) -> None:
        assert parse_org_number(value) == "556677-8899"

    @pytest.mark.parametrize(
        ("value", "normalised"),
        [
            pytest.param("2021005448", "202100-5448", id="state authority, group 2"),
            pytest.param("556016-0680", "556016-0680", id="aktiebolag, group 5"),
        ],
    )
    def test_other_legal_entities(self, value: str, normalised: str) -> None:
        assert parse_org_number(value) == normalised

    @pytest.mark.parametrize(
        ("value", "message"),
        [
            pytest.param(
                "556677-8898", "the check digit is 8 but should be 9", id="check digit"
            ),
            pytest.param(
                "121212-1212",
                "a sole trader (enskild firma) is identified by the owner's personnummer",
                id="a personnummer",
            ),
            pytest.param("550101-0000", "third digit is 0", id="third digit 0"),
            pytest.param(
                "195566778899",
                "12-digit organisation number starts with 16",
                id="12 digits without 16",
            ),
            pytest.param("556677-889", "has 9 digits", id="9 digits"),
            pytest.param("55667788991", "has 11 digits", id="11 digits"),
            pytest.param("55667A-8899", "characters other than digits", id="letter"),
            pytest.param(
                "5566-778899", "separator in the wrong place", id="misplaced hyphen"
            ),
            pytest.param("", "is required", id="empty"),
        ],
    )
    def test_rejection_says_what_is_wrong(self, value: str, message: str) -> None:
        with pytest.raises(InvalidIdentifier, match=re.escape(message)):
            parse_org_number(value)
