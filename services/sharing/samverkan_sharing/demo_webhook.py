"""The demo's webhook subscription: Malmö subscribes the receiver `samverkan run` starts.

The supervisor names the receiver's URL (``SAMVERKAN_DEMO_WEBHOOK_URL``, see
``samverkan_shared.demo_receiver``) and allows webhooks to 127.0.0.1 in the demo
only. Malmö filed the demo's tips, so a call-off stop or lift of their suppliers,
and a move of their tips, reach it. The signing secret, shown once, is written to
the data directory, where the receiver reads it. Idempotent: a subscription to that
URL whose secret is kept is left as it is.
"""

import os
from pathlib import Path

import httpx

from samverkan_shared.demo_receiver import SECRET_FILE, URL_ENV
from samverkan_shared.keyfiles import write_secret_file

__all__ = ["DEMO_WEBHOOK_EVENTS", "subscribe_demo_receiver"]

DEMO_WEBHOOK_EVENTS = [
    "supplier.call_off_stopped",
    "supplier.call_off_lifted",
    "tip.status_changed",
]


def subscribe_demo_receiver(tips: str, headers: dict[str, str], data_dir: Path) -> None:
    """Subscribe Malmö (``headers``: its demo client's token) to the receiver."""
    url = os.environ.get(URL_ENV)
    if not url:
        return
    secret_file = data_dir / SECRET_FILE
    with httpx.Client(base_url=tips, headers=headers, timeout=10) as http:
        listed = http.get("/v1/webhooks")
        listed.raise_for_status()
        ours = [item for item in listed.json()["items"] if item["url"] == url]
        if ours and secret_file.exists():
            return
        for item in ours:  # its secret is lost: a new subscription, a new secret
            http.delete(f"/v1/webhooks/{item['id']}").raise_for_status()
        created = http.post(
            "/v1/webhooks", json={"url": url, "events": DEMO_WEBHOOK_EVENTS}
        )
    if created.status_code != 201:
        raise RuntimeError(
            f"demo webhook subscription: {created.status_code} {created.text}"
        )
    write_secret_file(secret_file, created.json()["secret"].encode())
