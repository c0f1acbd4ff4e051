"""Stand-ins for tips and audit-log at the HTTP boundary (httpx.MockTransport).

The sharing tests and the sharing contract test hand these to ``create_app``.
"""

import base64
import hashlib
import json
import threading
from typing import Any

import httpx

from tests.support.payloads import TIP_ID, tip_document

# Sharing's own calls carry a DPoP-bound token (its reports may still carry Bearer).
_SCHEMES = ("Bearer ", "DPoP ")


class FakeTips:
    def __init__(self) -> None:
        self.tips = {TIP_ID: tip_document()}
        self.calls: list[httpx.Request] = []
        # Reports of disclosures tips took: (tip id, body); and how the next
        # requests of reports are answered (see ``_report``).
        self.reports: list[tuple[str, dict[str, Any]]] = []
        self.report_answers: list[int | str] = []
        # Cleared, a report waits until it is set again (``report_waiting`` says one does).
        self.report_gate = threading.Event()
        self.report_gate.set()
        self.report_waiting = threading.Event()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls.append(request)
        if request.url.path == "/healthz":
            return httpx.Response(200, json={"status": "ok"})
        if not request.headers.get("authorization", "").startswith(_SCHEMES):
            return httpx.Response(401)
        if request.url.path == "/internal/v1/tip-disclosures":
            return self._report(request)
        tip_id = request.url.path.rsplit("/", 1)[-1]
        if request.url.path.startswith("/internal/v1/suppliers/"):
            items = list(self.tips.values())
            return httpx.Response(200, json={"items": items, "next_cursor": None})
        if tip_id in self.tips:
            return httpx.Response(200, json=self.tips[tip_id])
        return httpx.Response(404, json={"detail": f"no tip {tip_id}"})

    def _report(self, request: httpx.Request) -> httpx.Response:
        """``POST /internal/v1/tip-disclosures`` (sharing's tip reports): the next
        of ``report_answers`` answers the request — a status with no body, or
        "unknown_tip" for each report in it — else (or for "recorded") each report
        is recorded if the tip is known."""
        self.report_waiting.set()
        self.report_gate.wait(30)
        answer = self.report_answers.pop(0) if self.report_answers else None
        if isinstance(answer, int):
            return httpx.Response(answer)
        results = []
        for report in json.loads(request.content)["reports"]:
            tip_id = report.pop("tip_id")
            known = answer != "unknown_tip" and tip_id in self.tips
            if known:
                self.reports.append((tip_id, report))
            results.append(
                {
                    "tip_id": tip_id,
                    "disclosure_id": report["disclosure_id"],
                    "audit_index": report["audit_index"],
                    "outcome": "recorded" if known else "unknown_tip",
                }
            )
        return httpx.Response(200, json={"results": results})

    def client(self) -> httpx.Client:
        return httpx.Client(
            base_url="http://tips.test", transport=httpx.MockTransport(self)
        )


class FakeAuditLog:
    """Appends are idempotent per Idempotency-Key, like the real log's per decision."""

    def __init__(self) -> None:
        self.entries: list[dict[str, Any]] = []
        self.by_key: dict[str, dict[str, Any]] = {}
        self.down = False
        self.lock = threading.Lock()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            return httpx.Response(503, json={"detail": "down"})
        if request.url.path == "/healthz":
            return httpx.Response(200, json={"status": "ok"})
        if request.method == "GET" and request.url.path.endswith("/tlog-proof"):
            return self._tlog_proof(int(request.url.path.split("/")[-2]))
        key = request.headers["idempotency-key"]
        with self.lock:  # appends are serialised, as in the real log
            return self._append(key, request)

    def _append(self, key: str, request: httpx.Request) -> httpx.Response:
        if key not in self.by_key:
            entry = json.loads(request.content)
            self.entries.append(entry)
            leaf = hashlib.sha256(json.dumps(entry).encode()).digest()
            self.by_key[key] = {
                "index": len(self.entries) - 1,
                "tree_size": len(self.entries),
                "leaf_hash": base64.b64encode(leaf).decode(),
                "checkpoint": f"fake\n{len(self.entries)}\nroot\n",
            }
        return httpx.Response(201, json=self.by_key[key])

    def _tlog_proof(self, index: int) -> httpx.Response:
        """A stand-in file naming the entry (the real format: tests/e2e, witness)."""
        if index >= len(self.entries):
            return httpx.Response(404, json={"detail": f"no entry {index}"})
        text = f"c2sp.org/tlog-proof@v1\nindex {index}\n"
        return httpx.Response(200, text=text, headers={"Samverkan-Witnessed": "false"})

    def client(self) -> httpx.Client:
        return httpx.Client(
            base_url="http://audit.test", transport=httpx.MockTransport(self)
        )
