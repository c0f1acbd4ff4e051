"""Notifications sent on the discloser's own initiative: logged, delivered, paged."""

from typing import Any

from tests.support.payloads import TIP_ID


class TestNotifications:
    def test_notice_is_logged_and_delivered_to_the_recipient(
        self, sharing: Any
    ) -> None:
        sharing.headers("skatteverket")  # registers Skatteverket's client
        response = sharing.client.post(
            "/v1/notifications",
            json={
                "tip_id": TIP_ID,
                "recipient": "skatteverket",
                "purpose": {"code": "notify_population_register_error"},
                "fields": ["supplier.org_number", "supplier.name"],
                "message": "Leverantören uppger fel adress.",
            },
            headers=sharing.headers("assessor"),
        )
        assert response.status_code == 201, response.text
        sent = response.json()
        assert sent["status"] == "released"
        assert sent["kind"] == "notification"
        assert sharing.audit.entries[0]["event"] == "notification"
        inbox = sharing.client.get(
            "/v1/notifications?recipient=me", headers=sharing.headers("skatteverket")
        ).json()
        assert [item["id"] for item in inbox["items"]] == [sent["id"]]
        assert inbox["items"][0]["message"] == "Leverantören uppger fel adress."
        police_inbox = sharing.client.get(
            "/v1/notifications?recipient=me", headers=sharing.headers("police")
        ).json()
        assert police_inbox["items"] == []

    def test_notices_page_by_time_either_way(self, sharing: Any) -> None:
        """Issue #17: lists read either way; a notice page follows the time of sending."""
        sharing.headers("skatteverket")
        answers = [
            sharing.client.post(
                "/v1/notifications",
                json={
                    "tip_id": TIP_ID,
                    "recipient": "skatteverket",
                    "purpose": {"code": "notify_population_register_error"},
                    "fields": ["supplier.name"],
                    "message": f"Notis {n}.",
                },
                headers=sharing.headers("assessor"),
            ).json()
            for n in range(3)
        ]
        # Ties in time (a fast machine) are broken by id, as the pages are.
        sent = [
            a["id"] for a in sorted(answers, key=lambda a: (a["created_at"], a["id"]))
        ]
        inbox = sharing.headers("skatteverket")

        def read(order: str) -> list[str]:
            ids, cursor = [], None
            while True:
                query = f"order={order}&limit=2" + (
                    f"&cursor={cursor}" if cursor else ""
                )
                page = sharing.client.get(f"/v1/notifications?{query}", headers=inbox)
                assert page.status_code == 200, page.text
                ids += [item["id"] for item in page.json()["items"]]
                cursor = page.json()["next_cursor"]
                if cursor is None:
                    return ids

        assert read("asc") == sent
        assert read("desc") == sent[::-1]
        foreign = sharing.client.get("/v1/notifications?cursor=not-ours", headers=inbox)
        assert foreign.status_code == 422

    def test_notice_to_an_unregistered_recipient_is_422(self, sharing: Any) -> None:
        response = sharing.client.post(
            "/v1/notifications",
            json={
                "tip_id": TIP_ID,
                "recipient": "ivo",
                "purpose": {"code": "report_supplier_deficiency"},
            },
            headers=sharing.headers("assessor"),
        )
        assert response.status_code == 422
        assert "ivo" in response.json()["detail"]
