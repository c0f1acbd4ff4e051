"""CSV and JSON Lines exports: content, filters, streaming in chunks."""

import csv
import io
import json

import pytest

from samverkan_audit_log.entries.repository import EntryFilter
from samverkan_audit_log.export.schemas import ExportFormat
from samverkan_audit_log.export.service import export_jsonl, export_lines

TIP, OTHER_TIP = (
    "0d711be9-37c1-4961-9e1c-5a14a1f27cbf",
    "5b0c8f0e-1f7a-4c2e-9a57-3c1d2e4f6a70",
)


@pytest.fixture
def logged(client, appender, make_entry) -> None:
    entries = [
        make_entry(0, actor='=HYPERLINK("x")'),
        make_entry(1, legal_basis=["osl-10-24", "lag-2025-170"]),
        make_entry(
            2,
            occurred_at="2026-12-01T08:00:00Z",
            partner_reference=None,
            tip_ids=[TIP, OTHER_TIP, TIP],
        ),
        make_entry(3, partner_reference='Malmö "ärende" \\ 7\t\u2028'),
    ]
    for entry in entries:
        assert (
            client.post("/v1/entries", json=entry, headers=appender).status_code == 201
        )


@pytest.mark.usefixtures("logged")
def test_jsonl_lines_are_the_entries_as_listed(client, reader) -> None:
    response = client.get("/v1/export", params={"format": "jsonl"}, headers=reader)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/jsonl; charset=utf-8"
    # bytes.splitlines: str.splitlines would also split at U+2028 inside a string.
    lines = [json.loads(line) for line in response.content.splitlines()]
    listed = client.get("/v1/entries", headers=reader).json()["items"]
    assert lines == listed


@pytest.mark.usefixtures("logged")
def test_csv_has_a_header_row_and_defused_formulas(client, reader, make_entry) -> None:
    response = client.get("/v1/export", params={"format": "csv"}, headers=reader)
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [row["index"] for row in rows] == ["0", "1", "2", "3"]
    assert rows[0]["actor"] == '\'=HYPERLINK("x")'
    assert rows[1]["legal_basis"] == "osl-10-24;lag-2025-170"
    assert rows[1]["recipient_org_number"] == "202100-0076"
    assert rows[1]["payload_sha256"] == make_entry(1)["payload_sha256"]
    assert rows[2]["partner_reference"] == ""
    assert [row["tip_ids"] for row in rows] == ["", "", f"{TIP};{OTHER_TIP};{TIP}", ""]
    items = client.get("/v1/entries", headers=reader).json()["items"]
    assert [row["leaf_hash"] for row in rows] == [item["leaf_hash"] for item in items]


@pytest.mark.usefixtures("logged")
def test_export_filters_by_time(client, reader) -> None:
    params = {"format": "jsonl", "from": "2026-12-01T00:00:00Z"}
    response = client.get("/v1/export", params=params, headers=reader)
    assert [json.loads(line)["index"] for line in response.text.splitlines()] == [2]


@pytest.mark.usefixtures("logged")
def test_export_reads_the_database_in_chunks(app, client, appender, make_entry) -> None:
    chunks = export_lines(
        app.platform.engine, ExportFormat.JSONL, EntryFilter(), chunk=2
    )
    first = next(chunks)
    # Appended after the export began: not part of this snapshot.
    client.post("/v1/entries", json=make_entry(9), headers=appender)
    rest = list(chunks)
    assert [line.count("\n") for line in [first, *rest]] == [2, 2]


@pytest.mark.usefixtures("logged")
def test_jsonl_is_read_in_chunks_as_of_its_start(
    app, client, appender, make_entry
) -> None:
    chunks = export_jsonl(app.platform.engine, EntryFilter(), chunk=3)
    first = next(chunks)
    # Appended after the export began: not part of this snapshot.
    client.post("/v1/entries", json=make_entry(9), headers=appender)
    rest = list(chunks)
    assert [chunk.count(b"\n") for chunk in [first, *rest]] == [3, 1]


@pytest.mark.usefixtures("logged")
def test_jsonl_lines_are_byte_for_byte_what_the_item_models_gave(app) -> None:
    # The export once wrote json.dumps(EntryItem.model_dump()) per line; the lines
    # built from the stored leaf text are the same bytes (escapes, non-ASCII).
    engine = app.platform.engine
    spliced = b"".join(export_jsonl(engine, EntryFilter()))
    modelled = "".join(export_lines(engine, ExportFormat.JSONL, EntryFilter()))
    assert spliced == modelled.encode("utf-8")
    assert spliced.count(b"\n") == 4


def test_an_unknown_format_is_refused(client, reader) -> None:
    response = client.get("/v1/export", params={"format": "xml"}, headers=reader)
    assert response.status_code == 422


@pytest.mark.usefixtures("logged")
def test_the_index_export_is_what_the_look_ups_read(client, reader, subject_of) -> None:
    response = client.get("/v1/export/indexes", headers=reader)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/jsonl; charset=utf-8"
    lines = [json.loads(line) for line in response.content.splitlines()]
    subjects = [subject_of("556677-8899")]
    sorted_lines = [
        {
            **line,
            "legal_basis": sorted(line["legal_basis"]),
            "tip_ids": sorted(line["tip_ids"]),
        }
        for line in lines
    ]
    assert sorted_lines == [
        {"index": 0, "legal_basis": ["osl-10-24"], "subjects": subjects, "tip_ids": []},
        {
            "index": 1,
            "legal_basis": ["lag-2025-170", "osl-10-24"],
            "subjects": subjects,
            "tip_ids": [],
        },
        {
            "index": 2,
            "legal_basis": ["osl-10-24"],
            "subjects": subjects,
            "tip_ids": sorted([TIP, OTHER_TIP]),  # each tip once
        },
        {"index": 3, "legal_basis": ["osl-10-24"], "subjects": subjects, "tip_ids": []},
    ]
    below = client.get("/v1/export/indexes", params={"below": 2}, headers=reader)
    assert [json.loads(line)["index"] for line in below.content.splitlines()] == [0, 1]
