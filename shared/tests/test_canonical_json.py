"""Tests for RFC 8785 canonical JSON: the RFC's own examples and invariants."""

import json
import math
import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samverkan_shared.canonical_json import MAX_SAFE_INTEGER, _write, canonicalize

# RFC 8785 Appendix B: IEEE 754 bit patterns and their ECMAScript serialisation.
APPENDIX_B = [
    ("0000000000000000", "0"),
    ("8000000000000000", "0"),
    ("0000000000000001", "5e-324"),
    ("8000000000000001", "-5e-324"),
    ("7fefffffffffffff", "1.7976931348623157e+308"),
    ("ffefffffffffffff", "-1.7976931348623157e+308"),
    ("4340000000000000", "9007199254740992"),
    ("c340000000000000", "-9007199254740992"),
    ("4430000000000000", "295147905179352830000"),
    ("44b52d02c7e14af5", "9.999999999999997e+22"),
    ("44b52d02c7e14af6", "1e+23"),
    ("44b52d02c7e14af7", "1.0000000000000001e+23"),
    ("444b1ae4d6e2ef4e", "999999999999999700000"),
    ("444b1ae4d6e2ef4f", "999999999999999900000"),
    ("444b1ae4d6e2ef50", "1e+21"),
    ("3eb0c6f7a0b5ed8c", "9.999999999999997e-7"),
    ("3eb0c6f7a0b5ed8d", "0.000001"),
    ("41b3de4355555553", "333333333.3333332"),
    ("41b3de4355555554", "333333333.33333325"),
    ("41b3de4355555555", "333333333.3333333"),
    ("41b3de4355555556", "333333333.3333334"),
    ("41b3de4355555557", "333333333.33333343"),
    ("becbf647612f3696", "-0.0000033333333333333333"),
    ("43143ff3c1cb0959", "1424953923781206.2"),
]


def from_bits(bits: str) -> float:
    value: float = struct.unpack(">d", bytes.fromhex(bits))[0]
    return value


class TestRfcExamples:
    def test_section_3_2_2_sample(self) -> None:
        """RFC 8785 §3.2.2: numbers, escapes and literals of the sample input."""
        source = r"""{
  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
  "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
  "literals": [null, true, false]
}"""
        expected = (
            r'{"literals":[null,true,false],'
            r'"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],'
            r'"string":"€$\u000f\nA' + "'" + r'B\"\\\\\"/"}'
        )
        assert canonicalize(json.loads(source)) == expected.encode("utf-8")

    def test_section_3_2_3_sorts_by_utf16_code_units(self) -> None:
        """RFC 8785 §3.2.3: the emoji (a surrogate pair) sorts before U+FB33."""
        members = {
            "\u20ac": "Euro Sign",
            "\r": "Carriage Return",
            "\ufb33": "Hebrew Letter Dalet With Dagesh",
            "1": "One",
            "\U0001f600": "Emoji: Grinning Face",
            "\u0080": "Control",
            "\u00f6": "Latin Small Letter O With Diaeresis",
        }
        values = json.loads(canonicalize(members)).values()
        assert list(values) == [
            "Carriage Return",
            "One",
            "Control",
            "Latin Small Letter O With Diaeresis",
            "Euro Sign",
            "Emoji: Grinning Face",
            "Hebrew Letter Dalet With Dagesh",
        ]

    def test_section_3_2_4_utf8_bytes(self) -> None:
        """RFC 8785 §3.2.4: the output is UTF-8, non-ASCII left unescaped."""
        assert canonicalize({"Euro": "€"}) == b'{"Euro":"\xe2\x82\xac"}'

    @pytest.mark.parametrize(
        ("bits", "expected"), APPENDIX_B, ids=[b for b, _ in APPENDIX_B]
    )
    def test_appendix_b_numbers(self, bits: str, expected: str) -> None:
        assert canonicalize(from_bits(bits)) == expected.encode()

    @pytest.mark.parametrize("bits", ["7fffffffffffffff", "7ff0000000000000"])
    def test_appendix_b_nan_and_infinity_are_errors(self, bits: str) -> None:
        with pytest.raises(ValueError, match="not a JSON number"):
            canonicalize(from_bits(bits))


class TestValues:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (None, b"null"),
            (True, b"true"),
            (False, b"false"),
            (0, b"0"),
            (-17, b"-17"),
            (MAX_SAFE_INTEGER, b"9007199254740992"),
            (4.0, b"4"),
            (-0.0, b"0"),
            (1e21, b"1e+21"),
            (1e-7, b"1e-7"),
            (0.000001, b"0.000001"),
            (123456789.125, b"123456789.125"),
            ([], b"[]"),
            ({}, b"{}"),
            ((1, "a"), b'[1,"a"]'),
            (
                {"b": [1, {"d": None, "c": 2}], "a": ""},
                b'{"a":"","b":[1,{"c":2,"d":null}]}',
            ),
        ],
    )
    def test_serialisation(self, value: object, expected: bytes) -> None:
        assert canonicalize(value) == expected

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("\x00\x1f", '"\\u0000\\u001f"'),
            ("\b\t\n\f\r", '"\\b\\t\\n\\f\\r"'),
            ('"\\/', '"\\"\\\\/"'),
            ("\x7f<>&'", '"\x7f<>&\'"'),
            ("åäö \u2028 😀", '"åäö \u2028 😀"'),
        ],
    )
    def test_only_mandatory_string_escapes(self, text: str, expected: str) -> None:
        assert canonicalize(text) == expected.encode("utf-8")

    @pytest.mark.parametrize("number", [MAX_SAFE_INTEGER + 1, -(2**63)])
    def test_integers_beyond_2_pow_53_are_rejected(self, number: int) -> None:
        with pytest.raises(ValueError, match="exceeds 2\\*\\*53"):
            canonicalize({"n": number})

    @pytest.mark.parametrize("number", [math.nan, math.inf, -math.inf])
    def test_non_finite_floats_are_rejected(self, number: float) -> None:
        with pytest.raises(ValueError, match="not a JSON number"):
            canonicalize([number])

    def test_lone_surrogate_is_rejected(self) -> None:
        with pytest.raises(ValueError, match="not valid Unicode"):
            canonicalize({"\ud800": 1})

    @pytest.mark.parametrize("value", [b"bytes", {1: "a"}, {"a": object()}, {1, 2}])
    def test_non_json_values_are_type_errors(self, value: object) -> None:
        with pytest.raises(TypeError):
            canonicalize(value)


safe_integers = st.integers(min_value=-MAX_SAFE_INTEGER, max_value=MAX_SAFE_INTEGER)
finite_floats = st.floats(allow_nan=False, allow_infinity=False)
json_values = st.recursive(
    st.none() | st.booleans() | safe_integers | finite_floats | st.text(),
    lambda children: (
        st.lists(children, max_size=5)
        | st.dictionaries(st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=30,
)


# Keys where sort orders part: ASCII, high BMP (U+E000..U+FFFF) and astral characters.
_keys = st.text(
    alphabet=st.sampled_from("aBz_\u00e5\ue000\uffee\U0001f600\U00010000"),
    max_size=4,
)


class TestProperties:
    @given(json_values)
    def test_canonical_form_is_a_fixed_point(self, value: object) -> None:
        """Parsing the canonical form and canonicalising again changes nothing.

        Numbers are parsed as doubles (parse_int=float), JCS's own number model:
        a float such as 2.0**60 prints as plain digits beyond 2**53.
        """
        once = canonicalize(value)
        assert canonicalize(json.loads(once, parse_int=float)) == once

    @given(st.dictionaries(st.text(), json_values, max_size=8), st.data())
    def test_key_order_does_not_matter(
        self, members: dict[str, object], data: st.DataObject
    ) -> None:
        keys = data.draw(st.permutations(list(members)))
        assert canonicalize({key: members[key] for key in keys}) == canonicalize(
            members
        )

    @given(
        st.recursive(
            st.none() | st.booleans() | safe_integers | st.text(),
            lambda children: (
                st.lists(children, max_size=4)
                | st.dictionaries(
                    st.text(
                        alphabet=st.characters(
                            max_codepoint=0xFFFF, exclude_categories=["Cs"]
                        )
                    ),
                    children,
                    max_size=4,
                )
            ),
            max_leaves=20,
        )
    )
    def test_matches_sorted_compact_json_without_floats(self, value: object) -> None:
        """Without floats and astral keys, JCS is json.dumps with sorted keys."""
        expected = json.dumps(
            value, ensure_ascii=False, separators=(",", ":"), sort_keys=True
        )
        assert canonicalize(value) == expected.encode("utf-8")

    @given(
        st.recursive(
            st.none() | st.booleans() | safe_integers | st.text() | finite_floats,
            lambda children: (
                st.lists(children, max_size=4)
                | st.lists(children, max_size=3).map(tuple)
                | st.dictionaries(_keys, children, max_size=4)
            ),
            max_leaves=25,
        )
    )
    def test_the_fast_path_agrees_with_the_full_writer(self, value: object) -> None:
        """canonicalize's orjson path gives _write's bytes, or is not taken
        (floats, keys beyond U+FFFF)."""
        parts: list[str] = []
        _write(value, parts)
        assert canonicalize(value) == "".join(parts).encode("utf-8")

    @given(st.dictionaries(_keys, safe_integers, min_size=2, max_size=8))
    def test_the_fast_path_sorts_keys_as_jcs_does(
        self, members: dict[str, int]
    ) -> None:
        parts: list[str] = []
        _write(members, parts)
        assert canonicalize(members) == "".join(parts).encode("utf-8")
