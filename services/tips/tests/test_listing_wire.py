"""A page of tips is built in its wire form without validating each tip again; every
item must be exactly what the tip's own endpoint (the validated ``Tip``) answers."""

from typing import Any

from fastapi.testclient import TestClient

from tests.support.tokens import TestIssuer


def test_every_listed_tip_equals_the_tip_read_alone(
    client: TestClient, writer: dict[str, str], issuer: TestIssuer, kit: Any
) -> None:
    manager = issuer.headers(
        ["tips:manage", "tips:read"],
        client_id="adda-utredare",
        org_number=kit.purchasing_centre,
    )
    moved = kit.file(client, writer)
    for to in ("investigating", "substantiated"):
        extra = {"breached_terms": [1]} if to == "substantiated" else {}
        answer = client.post(
            f"/v1/tips/{moved['id']}/transitions",
            json={"to": to, "reason": f"nu {to}", **extra},
            headers=manager,
        )
        assert answer.status_code == 200, answer.text
    reporter = {**kit.body()["reporter"], "contact_email": None}
    kit.file(client, writer, reporter=reporter, persons=[])
    kit.file(
        client,
        writer,
        persons=[
            {"personal_number": kit.child, "role": "placed_child"},
            {"personal_number": kit.adult, "role": "relative"},
        ],
    )

    page = client.get("/v1/tips", params={"limit": 10}, headers=writer)
    assert page.status_code == 200
    items = page.json()["items"]
    assert len(items) == 3
    assert any(item["history"] for item in items)
    for item in items:
        alone = client.get(f"/v1/tips/{item['id']}", headers=writer)
        assert item == alone.json()
