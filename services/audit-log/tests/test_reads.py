"""Listing, filtering, paging and subject look-ups (access requests)."""

import json
from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import Session

from samverkan_audit_log.entries import presenter, service
from samverkan_audit_log.entries.schemas import EntryPage
from samverkan_shared.cursors import Order
from samverkan_shared.db import make_engine
from tests.support.payloads import CHILD, PROCUREMENT_TIP, TIP_ID

EBM = {"code": "ekobrottsmyndigheten", "org_number": "202100-4284", "name": "EBM"}
TIPS = (TIP_ID, PROCUREMENT_TIP)


def _indexes(client: TestClient, headers: dict[str, str], **params: Any) -> list[int]:
    response = client.get("/v1/entries", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return [item["index"] for item in response.json()["items"]]


@pytest.fixture
def logged(client, appender, make_entry, subject_of) -> None:
    """Five entries: 1 and 3 to EBM, 2 and 3 about the child, 4 later in time."""
    entries = [
        make_entry(0),
        make_entry(1, recipient=EBM, legal_basis=["osl-10-24", "lag-2025-170"]),
        make_entry(2, subjects=[subject_of(CHILD)]),
        make_entry(3, recipient=EBM, subjects=[subject_of(CHILD)]),
        make_entry(4, occurred_at="2026-12-01T08:00:00+01:00"),
    ]
    for entry in entries:
        assert (
            client.post("/v1/entries", json=entry, headers=appender).status_code == 201
        )


@pytest.mark.usefixtures("logged")
class TestFilters:
    def test_by_recipient(self, client, reader) -> None:
        assert _indexes(client, reader, recipient="ekobrottsmyndigheten") == [1, 3]

    def test_by_legal_basis(self, client, reader) -> None:
        assert _indexes(client, reader, legal_basis="lag-2025-170") == [1]
        assert _indexes(client, reader, legal_basis="osl-10-24") == [0, 1, 2, 3, 4]

    def test_by_time_from_inclusive_to_exclusive(self, client, reader) -> None:
        assert _indexes(client, reader, **{"from": "2026-12-01T07:00:00Z"}) == [4]
        assert _indexes(client, reader, to="2026-12-01T07:00:00Z") == [0, 1, 2, 3]
        assert _indexes(client, reader, to="2026-11-23T10:00:00Z") == []

    def test_by_subject_pseudonym(self, client, reader, subject_of) -> None:
        assert _indexes(client, reader, subject=subject_of(CHILD)) == [2, 3]

    def test_by_tip(self, client, reader, appender, make_entry) -> None:
        tip, other = TIPS
        for number, tips in ((5, [tip]), (6, [other, tip]), (7, [other])):
            entry = make_entry(number, tip_ids=tips)
            response = client.post("/v1/entries", json=entry, headers=appender)
            assert response.status_code == 201, response.text
        assert _indexes(client, reader, tip_id=tip) == [5, 6]
        assert _indexes(client, reader, tip_id=tip.upper(), order="desc") == [6, 5]
        assert _indexes(client, reader, tip_id=other, recipient="x") == []
        assert _indexes(client, reader, tip_id=other) == [6, 7]
        no_tip = "0b6a1f5e-3c1d-4f0e-9a55-000000000000"
        assert _indexes(client, reader, tip_id=no_tip) == []
        refused = client.get("/v1/entries", params={"tip_id": "x"}, headers=reader)
        assert refused.status_code == 422
        assert refused.json()["errors"][0]["parameter"] == "tip_id"

    def test_filters_combine(self, client, reader, subject_of) -> None:
        params = {"subject": subject_of(CHILD), "recipient": "ekobrottsmyndigheten"}
        assert _indexes(client, reader, **params) == [3]

    def test_pages_follow_next_cursor_to_the_end(self, client, reader) -> None:
        seen, cursor = [], None
        while True:
            params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
            page = client.get("/v1/entries", params=params, headers=reader).json()
            seen.append([item["index"] for item in page["items"]])
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert seen == [[0, 1], [2, 3], [4]]

    def test_newest_first_pages_follow_next_cursor_to_the_end(
        self, client, reader
    ) -> None:
        seen, cursor = [], None
        while True:
            params = {"limit": 2, "order": "desc"} | (
                {"cursor": cursor} if cursor else {}
            )
            page = client.get("/v1/entries", params=params, headers=reader).json()
            seen.append([item["index"] for item in page["items"]])
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert seen == [[4, 3], [2, 1], [0]]
        newest = {"recipient": "ekobrottsmyndigheten", "order": "desc"}
        assert _indexes(client, reader, **newest) == [3, 1]

    def test_a_cursor_is_refused_in_the_other_order(self, client, reader) -> None:
        params: dict[str, Any] = {"limit": 2, "order": "desc"}
        cursor = client.get("/v1/entries", params=params, headers=reader).json()[
            "next_cursor"
        ]
        response = client.get(
            "/v1/entries", params={"limit": 2, "cursor": cursor}, headers=reader
        )
        assert response.status_code == 422
        assert "with the same order" in response.json()["detail"]

    def test_a_forged_cursor_is_a_problem_not_a_crash(self, client, reader) -> None:
        response = client.get("/v1/entries", params={"cursor": "x"}, headers=reader)
        assert response.status_code == 422
        assert response.json()["detail"].startswith("cursor:")

    def test_one_entry_and_a_missing_one(self, client, reader) -> None:
        assert client.get("/v1/entries/3", headers=reader).json()["index"] == 3
        missing = client.get("/v1/entries/99", headers=reader)
        assert missing.status_code == 404
        assert missing.json()["detail"] == "The log has no entry with index 99."

    @pytest.mark.parametrize(
        "params",
        [
            {"recipient": "a\x00"},
            {"legal_basis": "a\x00"},
            {"subject": "x"},
            {"from": "2026-11-23T10:00:00"},
        ],
        ids=["NUL recipient", "NUL basis", "not a pseudonym", "naive time"],
    )
    def test_bad_filters_are_refused(self, client, reader, params) -> None:
        response = client.get("/v1/entries", params=params, headers=reader)
        assert response.status_code == 422

    @pytest.mark.parametrize(
        "params",
        [
            {"to": "0.5"},
            {"from": "1764583200"},
            {"to": "2026-11-23"},
            {"to": "2026-11-23 10:00:00Z"},
            {"from": "2026-11-23T10:00:00"},
        ],
        ids=[
            "seconds since the epoch",
            "whole seconds",
            "a date",
            "a space for the T",
            "naive time",
        ],
    )
    @pytest.mark.parametrize("path", ["/v1/entries", "/v1/export"])
    def test_times_are_rfc_3339_with_an_offset(
        self, client, reader, params, path
    ) -> None:
        """As the document says (format: date-time); pydantic alone took 0.5 as 1970."""
        response = client.get(path, params=params, headers=reader)
        assert response.status_code == 422
        assert response.json()["errors"][0]["detail"] == (
            "must be an RFC 3339 date-time with an offset, e.g. 2026-11-23T10:00:00Z"
        )


@pytest.mark.usefixtures("logged")
class TestSubjectLookup:
    @pytest.mark.parametrize(
        "spelling", ["20121212-1212", "201212121212", "121212-1212", "1212121212"]
    )
    def test_every_spelling_of_a_personnummer_finds_the_same_entries(
        self, client, reader, spelling
    ) -> None:
        response = client.post(
            "/v1/subjects/lookup", json={"identifier": spelling}, headers=reader
        )
        assert response.status_code == 200, response.text
        assert [item["index"] for item in response.json()["items"]] == [2, 3]

    def test_an_organisation_number_finds_its_entries(self, client, reader) -> None:
        response = client.post(
            "/v1/subjects/lookup", json={"identifier": "5566778899"}, headers=reader
        )
        assert [item["index"] for item in response.json()["items"]] == [0, 1, 4]

    def test_an_invalid_identifier_is_named_but_not_echoed(
        self, client, reader
    ) -> None:
        response = client.post(
            "/v1/subjects/lookup", json={"identifier": "20121212-1213"}, headers=reader
        )
        assert response.status_code == 422
        body = response.json()
        assert body["errors"][0]["pointer"] == "#/identifier"
        assert body["detail"].startswith("identifier: ")
        assert "1213" not in response.text


class TestPageBody:
    """Pages are built as JSON text from raw columns; they must be the EntryPage."""

    @pytest.mark.usefixtures("logged")
    @pytest.mark.parametrize(
        "params",
        [
            {},
            {"limit": 2},
            {"limit": 2, "cursor": service.encode_cursor(1)},
            {"limit": 2, "order": "desc"},
            {
                "limit": 2,
                "order": "desc",
                "cursor": service.encode_cursor(3, Order.DESC),
            },
            {"recipient": "ekobrottsmyndigheten"},
            {"legal_basis": "lag-2025-170"},
            {"to": "2026-12-01T07:00:00Z", "limit": 3},
        ],
    )
    def test_is_the_page_list_entries_builds(
        self, client, reader, database_url, params
    ) -> None:
        response = client.get("/v1/entries", params=params, headers=reader)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/json"
        engine = make_engine(database_url)
        where = service.utc_filter(
            recipient=params.get("recipient"),
            legal_basis=params.get("legal_basis"),
            occurred_to=datetime.fromisoformat(params["to"])
            if "to" in params
            else None,
        )
        with Session(engine) as session:
            expected = service.list_entries(
                session,
                where,
                params.get("cursor"),
                params.get("limit", 100),
                Order(params.get("order", "asc")),
            )
        engine.dispose()
        assert response.json() == expected.model_dump()
        EntryPage.model_validate_json(response.content)

    def test_the_verifier_may_ask_for_10000_entries_a_page(
        self, client, reader
    ) -> None:
        ok = client.get("/v1/entries", params={"limit": 10_000}, headers=reader)
        too_many = client.get("/v1/entries", params={"limit": 10_001}, headers=reader)
        assert (ok.status_code, ok.json()) == (200, {"items": [], "next_cursor": None})
        assert too_many.status_code == 422

    def test_a_stored_leaf_that_is_not_a_json_object_is_an_error_not_a_page(
        self,
    ) -> None:
        for leaf in (b"[1]", b'{"n":NaN}', b"{", b'{"a":1}x', b"\xef\xbb\xbf{}"):
            with pytest.raises(ValueError):
                presenter.item_json(0, leaf, bytes(32))
        assert presenter.item_json(3, b'{"a":"\\u00e5"}', b"\x00" * 32) == (
            b'{"index":3,"entry":{"a":"\\u00e5"},"leaf":"eyJhIjoiXHUwMGU1In0=",'
            b'"leaf_hash":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}'
        )

    @pytest.mark.parametrize(
        "leaf",
        [
            b'{"a":"\\ud800"}',  # a lone surrogate escape: orjson refuses, json reads
            b'{"n":123456789012345678901234567890}',  # orjson reads a float
            b'{"n":-0,"m":1E400}',
        ],
    )
    def test_json_that_orjson_reads_otherwise_is_still_served(
        self, leaf: bytes
    ) -> None:
        item = json.loads(presenter.item_json(0, leaf, bytes(32)))
        assert item["entry"] == json.loads(leaf)


def _strict_json_object(text: bytes) -> bool:
    """What the page check accepted before orjson: the standard parser, no NaN."""

    def refuse(name: str) -> object:
        raise ValueError(name)

    try:
        value = json.loads(text.decode("utf-8"), parse_constant=refuse)
    except ValueError:
        return False
    return type(value) is dict


_json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False)
    | st.text(st.characters(codec=None, exclude_categories=()), max_size=5),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.text(max_size=3), children, max_size=3),
    max_leaves=10,
)
# Raw bytes that stored leaves could hold after tampering: JSON text (ASCII escapes
# or UTF-8, lone surrogates escaped), spliced with what breaks it or is not JSON.
_documents = _json_values | st.dictionaries(st.text(max_size=3), _json_values)
_texts = st.one_of(
    _documents.map(lambda v: json.dumps(v).encode()),
    _documents.map(
        lambda v: json.dumps(v, ensure_ascii=False).encode("utf-8", "surrogatepass")
    ),
)
_noise = st.sampled_from(
    [b"", b" ", b"\n", b"\xef\xbb\xbf", b"NaN", b"Infinity", b"}", b"{", b",", b"\x00",
     b"\xff", b'"', b"\\", b"\\ud800", b"1e999", b"-", b"[]", b"{}"]
)  # fmt: skip


@settings(max_examples=1000)
@given(
    text=_texts,
    prefix=_noise,
    suffix=_noise,
    cut=st.integers(0, 64),
    data=st.data(),
)
def test_the_page_check_accepts_exactly_what_the_standard_parser_does(
    text: bytes, prefix: bytes, suffix: bytes, cut: int, data: st.DataObject
) -> None:
    at = data.draw(st.integers(0, len(text)))
    spliced = text[:at] + data.draw(_noise) + text[at:]
    for leaf in (text, prefix + text + suffix, spliced, text[:-cut] if cut else text):
        assert presenter.is_json_object(leaf) == _strict_json_object(leaf), leaf
