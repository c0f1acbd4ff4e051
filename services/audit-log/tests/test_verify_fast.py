"""The verifier's fast paths give exactly the verdicts of the plain ones.

``canonical_leaf`` must be ``canonicalize`` byte for byte (or fail alike), and
``LogVerifier.add_page`` must pass, and fail with the same message, wherever
``parse_item`` followed by ``add`` does.
"""

import base64
import contextlib
import copy
import itertools
import json
import math
from collections.abc import Callable
from typing import Any

import orjson
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from samverkan_audit_log.checkpoints.signed_note import parse_verifier_key
from samverkan_audit_log.checkpoints.signer import LogSigner
from samverkan_audit_log.merkle import leaf_hash, root_from_leaf_hashes
from samverkan_audit_log.verification import log_client
from samverkan_audit_log.verification.leaves import canonical_leaf
from samverkan_audit_log.verification.verifier import (
    LogVerifier,
    VerificationFailed,
    open_checkpoint,
    parse_item,
)
from samverkan_shared.canonical_json import MAX_SAFE_INTEGER, canonicalize

SIGNER = LogSigner("samverkan.test/audit-log", Ed25519PrivateKey.generate())
KEY = parse_verifier_key(SIGNER.verifier_key)

# Everything canonicalize sees in practice and what it must refuse: floats (other
# digits than repr), integers around ±2**53, astral and surrogate characters (UTF-16
# key order, invalid UTF-8), control characters, tuples, non-str keys.
_characters = st.characters(codec=None, exclude_categories=())
_texts = st.text(_characters, max_size=6) | st.sampled_from(
    [
        "",
        "a",
        "\x00",
        "\x1f",
        "\x7f",
        '"',
        "\\",
        "\u2028",
        "\ud800",
        "\ue000",
        "\U0001f600",
    ]
)
_integers = st.integers(
    min_value=-MAX_SAFE_INTEGER - 2, max_value=MAX_SAFE_INTEGER + 2
) | st.sampled_from([MAX_SAFE_INTEGER, -MAX_SAFE_INTEGER, 2**63, 0])
_floats = st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from(
    [1.0, -0.0, 1e21, 1e-7, 5e-324, 2.0**60, math.inf]
)
_keys = _texts | st.integers(-3, 3) | st.booleans() | st.none() | st.just(1.5)
_values = st.recursive(
    st.none() | st.booleans() | _integers | _floats | _texts,
    lambda children: (
        st.lists(children, max_size=4)
        | st.lists(children, max_size=3).map(tuple)
        | st.dictionaries(_keys, children, max_size=4)
        | st.dictionaries(_texts, children, max_size=4)
    ),
    max_leaves=25,
)


def _outcome(function: Any, value: object) -> bytes | str:
    """The bytes, or the kind of refusal (the verifier treats both kinds alike)."""
    try:
        return bytes(function(value))
    except TypeError:
        return "TypeError"
    except ValueError:
        return "ValueError"


class TestCanonicalLeaf:
    @settings(max_examples=1500)
    @given(_values)
    def test_is_canonicalize_byte_for_byte(self, value: object) -> None:
        assert _outcome(canonical_leaf, value) == _outcome(canonicalize, value)

    @settings(max_examples=500)
    @given(st.dictionaries(_texts, _values, max_size=8))
    def test_is_canonicalize_for_entries(self, entry: dict[str, object]) -> None:
        assert _outcome(canonical_leaf, entry) == _outcome(canonicalize, entry)

    @pytest.mark.parametrize(
        "value",
        [
            {"\ue000": 1, "\U0001f600": 2},  # code point vs UTF-16 order differ
            {"n": 2**53 + 1},
            {"n": 1e21},
            {"n": 10.0},
            {1: "int key"},
            {"s": "\ud800"},
            {"t": ("a", 1)},
            {"c": '\x00\x08\x0b\x1f"\\/'},
        ],
    )
    def test_the_cases_the_fast_path_must_not_take_alone(self, value: object) -> None:
        assert _outcome(canonical_leaf, value) == _outcome(canonicalize, value)


def _raw_items(count: int) -> list[dict[str, Any]]:
    items = []
    for index in range(count):
        entry = {
            "event": "disclosure.released",
            "decision_id": f"d-{index}",
            "details": {"n": index, "list": ["å", None, True], "f": 0.5 * index},
        }
        leaf = canonicalize(entry)
        items.append(
            {
                "index": index,
                "entry": entry,
                "leaf": base64.b64encode(leaf).decode(),
                "leaf_hash": base64.b64encode(leaf_hash(leaf)).decode(),
            }
        )
    return items


def _note(size: int) -> str:
    items = _raw_items(size)
    hashes = [base64.b64decode(item["leaf_hash"]) for item in items]
    return SIGNER.sign(size, root_from_leaf_hashes(hashes))


def _verdict(pages: list[list[Any]], note: str, *, fast: bool) -> str:
    log = LogVerifier(open_checkpoint(note, KEY, what="checkpoint"))
    try:
        for page in pages:
            if fast:
                log.add_page(page)
            else:
                start = log.verified
                log.add_all(parse_item(raw, start + n) for n, raw in enumerate(page))
            if log.complete:
                break
        return log.finish(KEY.name).line()
    except VerificationFailed as error:
        return f"FAIL: {error}"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


_TAMPERINGS: dict[str, Any] = {
    "none": lambda items, n: None,
    "entry rewritten": lambda items, n: items[n]["entry"].update(actor="x"),
    "leaf rewritten": lambda items, n: items[n].update(leaf=_b64(b'{"a":1}')),
    "leaf and hash rewritten": lambda items, n: items[n].update(
        leaf=_b64(b'{"a":1}'), leaf_hash=_b64(leaf_hash(b'{"a":1}'))
    ),
    "removed": lambda items, n: items.pop(n),
    "index moved": lambda items, n: items[n].update(index=n + 1),
    "bool index": lambda items, n: items[n].update(index=True),
    "bad base64": lambda items, n: items[n].update(leaf="%%"),
    "unpadded base64": lambda items, n: items[n].update(
        leaf_hash=items[n]["leaf_hash"].rstrip("=")
    ),
    "hash as bytes of other": lambda items, n: items[n].update(leaf_hash=_b64(b"x")),
    "entry is a list": lambda items, n: items[n].update(entry=[1]),
    "item is a list": lambda items, n: items.__setitem__(n, [1]),
    "missing field": lambda items, n: items[n].pop("leaf_hash"),
    "float as int": lambda items, n: items[n]["entry"]["details"].update(f=1),
    "non-canonical key order": lambda items, n: items[n].update(
        entry=dict(reversed(list(items[n]["entry"].items())))
    ),
}


@settings(max_examples=300, deadline=None)
@given(
    size=st.integers(1, 12),
    extra=st.integers(0, 3),
    tampering=st.sampled_from(sorted(_TAMPERINGS)),
    data=st.data(),
)
def test_add_page_gives_the_verdicts_of_parse_item_and_add(
    size: int, extra: int, tampering: str, data: st.DataObject
) -> None:
    items = _raw_items(size + extra)
    position = data.draw(st.integers(0, size + extra - 1))
    _TAMPERINGS[tampering](items, position)
    page_size = data.draw(st.integers(1, size + extra))
    pages = [
        items[start : start + page_size] for start in range(0, len(items), page_size)
    ]
    note = _note(size)
    slow = _verdict(copy.deepcopy(pages), note, fast=False)
    assert _verdict(pages, note, fast=True) == slow


def test_an_intact_page_verifies_fast() -> None:
    items = _raw_items(20)
    assert _verdict([items[:15], items[15:]], _note(20), fast=True).startswith(
        "OK: 20 entries"
    )


# --- entries as the verifier downloads them (JSON Lines): orjson's reading, json's
# on demand ---------------------------------------------------------------------


def _lines_verdict(batches: list[list[bytes]], note: str, *, fast: bool) -> str:
    """The verdict on downloaded batches of lines: via ``_batch`` (orjson first)
    and ``add_page``, or the plain way (``json``, ``parse_item``, ``add``)."""
    log = LogVerifier(open_checkpoint(note, KEY, what="checkpoint"))
    first = 1
    try:
        for lines in batches:
            if fast:
                batch = log_client._batch([memoryview(line) for line in lines], first)
                log.add_page(batch.items, exact=batch.exact)
            else:
                start = log.verified
                items = [json.loads(line) for line in lines]
                log.add_all(parse_item(raw, start + n) for n, raw in enumerate(items))
            first += len(lines)
            if log.complete:
                break
        return log.finish(KEY.name).line()
    except VerificationFailed as error:
        return f"FAIL: {error}"


def _line(item: object) -> bytes:
    # json.dumps writes what orjson reads otherwise: integers beyond 64 bits
    # (orjson: floats), NaN and lone surrogate escapes (orjson refuses the line).
    return json.dumps(item).encode()


def _note_for(items: list[dict[str, Any]]) -> str:
    """A checkpoint over the items' claimed leaf hashes: a verifier that accepts a
    wrong entry then says OK instead of failing."""
    hashes = [base64.b64decode(item["leaf_hash"]) for item in items]
    return SIGNER.sign(len(hashes), root_from_leaf_hashes(hashes))


def _item(index: int, entry: object, leaf: bytes) -> dict[str, Any]:
    return {"index": index, "entry": entry, "leaf": _b64(leaf),
            "leaf_hash": _b64(leaf_hash(leaf))}  # fmt: skip


def _leaf_candidates(entry: object) -> list[bytes]:
    """The right leaf of the entry as ``json`` reads it back, and the wrong ones a
    reader that trusted orjson's reading (big integers as floats) would accept."""
    text = json.dumps(entry)
    candidates: list[bytes] = []
    makers: tuple[Callable[[], bytes], ...] = (
        lambda: canonicalize(json.loads(text)),
        lambda: canonicalize(orjson.loads(text)),
        lambda: orjson.dumps(orjson.loads(text), option=orjson.OPT_SORT_KEYS),
        lambda: json.dumps(json.loads(text), sort_keys=True).encode(),
    )
    for make in makers:
        with contextlib.suppress(TypeError, ValueError):
            candidates.append(make())
    return candidates or [b"{}"]


_big_integers = st.sampled_from(
    [2**53, 2**53 + 1, 2**63, 2**64 - 1, 2**64, 2**64 + 1, -(2**63) - 1, 10**30]
)
_page_values = st.recursive(
    st.none() | st.booleans() | _integers | _big_integers | _floats | _texts,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(_texts, children, max_size=3)
    ),
    max_leaves=12,
)


@settings(max_examples=400, deadline=None)
@given(
    entries=st.lists(st.dictionaries(_texts, _page_values, max_size=4), min_size=1,
                     max_size=6),
    batch_size=st.integers(1, 6),
    data=st.data(),
)  # fmt: skip
def test_lines_read_by_orjson_get_the_verdicts_of_the_standard_parser(
    entries: list[dict[str, Any]], batch_size: int, data: st.DataObject
) -> None:
    items = [
        _item(n, entry, data.draw(st.sampled_from(_leaf_candidates(entry))))
        for n, entry in enumerate(entries)
    ]
    if data.draw(st.booleans()):
        items[data.draw(st.integers(0, len(items) - 1))]["index"] = data.draw(
            _big_integers
        )
    note = _note_for(items)
    lines = [_line(item) for item in items]
    batches = [
        lines[start : start + batch_size] for start in range(0, len(lines), batch_size)
    ]
    slow = _lines_verdict(batches, note, fast=False)
    assert _lines_verdict(batches, note, fast=True) == slow


@pytest.mark.parametrize("big", [2**64, 10**30, -(2**63) - 1])
def test_an_integer_orjson_reads_as_a_float_is_not_taken_for_that_float(
    big: int,
) -> None:
    # The leaf is the canonical form of the float orjson reads: the entry shown
    # (an integer beyond 2**53) has no canonical form at all.
    entry = {"event": "x", "n": big}
    leaf = canonicalize({"event": "x", "n": float(big)})
    items = [_item(0, {"event": "ok"}, canonicalize({"event": "ok"})),
             _item(1, entry, leaf)]  # fmt: skip
    note = _note_for(items)
    batches = [[_line(item) for item in items]]
    verdict = _lines_verdict(batches, note, fast=True)
    assert verdict == "FAIL: entry 1: leaf does not match its entry"
    assert verdict == _lines_verdict(batches, note, fast=False)


def test_keys_beyond_the_bmp_are_ordered_as_rfc_8785_says() -> None:
    # U+E000 sorts after U+1F600 by UTF-16 code unit (RFC 8785), before it by code
    # point (orjson): a leaf in orjson's order is not the canonical one.
    entry = {"\ue000": 1, "\U0001f600": 2}
    right = [_item(0, entry, canonicalize(entry))]
    wrong = [_item(0, entry, orjson.dumps(entry, option=orjson.OPT_SORT_KEYS))]
    assert right[0]["leaf"] != wrong[0]["leaf"]
    for items, verdict in (
        (right, "OK: 1 entries"),
        (wrong, "FAIL: entry 0: leaf does not match its entry"),
    ):
        batches = [[_line(items[0])]]
        fast = _lines_verdict(batches, _note_for(items), fast=True)
        assert fast == _lines_verdict(batches, _note_for(items), fast=False)
        assert fast.startswith(verdict)


def test_intact_lines_are_read_by_orjson_and_verify() -> None:
    items = _raw_items(30)
    batch = log_client._batch([memoryview(_line(item)) for item in items], 1)
    assert batch.exact is not None
    assert batch.items == items
    lines = [_line(item) for item in items]
    verdict = _lines_verdict([lines[:10], lines[10:]], _note(30), fast=True)
    assert verdict.startswith("OK: 30 entries")


@pytest.mark.parametrize(
    "line",
    [b'{"n":NaN}', b'["\\ud800"]', b'{"n":1e400}', b"\xef\xbb\xbf{}"],
    ids=["NaN", "lone surrogate", "1e400", "BOM"],
)
def test_lines_orjson_refuses_are_read_by_json(line: bytes) -> None:
    batch = log_client._batch([memoryview(b"{}"), memoryview(line)], 1)
    assert batch.exact is None
    assert batch.items == [{}, json.loads(line)]


def test_a_line_that_is_not_json_is_named() -> None:
    with pytest.raises(log_client.FetchFailed, match="export: line 8 is not JSON"):
        log_client._batch([memoryview(b"{}"), memoryview(b"{")], 7)
    with pytest.raises(log_client.FetchFailed, match="export: line 2 is not JSON"):
        log_client._batch([memoryview(b"{}"), memoryview(b"")], 1)


@settings(max_examples=200)
@given(
    lines=st.lists(st.binary(max_size=40).map(lambda b: b.replace(b"\n", b"")),
                   max_size=30),
    final_newline=st.booleans(),
    cuts=st.lists(st.integers(0, 2000), max_size=20),
    size=st.integers(1, 8),
)  # fmt: skip
def test_lines_come_out_as_they_went_in_however_the_stream_is_cut(
    lines: list[bytes], final_newline: bool, cuts: list[int], size: int
) -> None:
    text = b"\n".join(lines) + (b"\n" if final_newline and lines else b"")
    points = sorted({0, len(text), *(cut for cut in cuts if cut < len(text))})
    chunks = [text[a:b] for a, b in itertools.pairwise(points)]
    batches = list(log_client._batched_lines(chunks, size))
    got = [bytes(line) for batch in batches for line in batch]
    expected = text.split(b"\n")
    if expected and expected[-1] == b"":
        expected.pop()  # a final newline ends the last line, it starts none
    assert got == expected
    assert all(len(batch) >= size for batch in batches[:-1])
