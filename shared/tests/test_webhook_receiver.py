"""`samverkan webhooks receive`: Standard Webhooks verified as the specification says,
over real HTTP on 127.0.0.1."""

import base64
import hashlib
import hmac
import io
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from samverkan_shared.cli import main
from samverkan_shared.webhook_receiver import EventSink, ReceiverServer
from samverkan_shared.webhook_signatures import (
    InvalidSecret,
    InvalidWebhook,
    secret_key,
    verify_webhook,
)

SECRET = "whsec_" + base64.b64encode(b"k" * 32).decode()
NOW = 1_800_000_000
BODY = (
    b'{"type":"supplier.call_off_stopped","timestamp":"2026-12-07T05:00:00Z","data":{}}'
)


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    digest = hmac.new(key, f"{message_id}.{timestamp}.".encode() + body, hashlib.sha256)
    return "v1," + base64.b64encode(digest.digest()).decode()


def headers(
    body: bytes = BODY,
    *,
    secret: str = SECRET,
    timestamp: int = NOW,
    mid: str = "msg_1",
) -> dict[str, str]:
    return {
        "webhook-id": mid,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, mid, timestamp, body),
    }


def verify(sent: dict[str, str], body: bytes = BODY) -> str:
    return verify_webhook(secret_key(SECRET), sent, body, now=NOW)


class TestVerification:
    def test_the_reference_test_vector_verifies(self) -> None:
        key = secret_key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        sent = {
            "webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
            "webhook-timestamp": "1614265330",
            "webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
        }
        body = b'{"test": 2432232314}'
        assert verify_webhook(key, sent, body, now=1614265330) == sent["webhook-id"]

    def test_a_correctly_signed_delivery_gives_its_id(self) -> None:
        assert verify(headers()) == "msg_1"

    def test_one_matching_signature_among_several_is_enough(self) -> None:
        sent = headers()
        other = sign(
            "whsec_" + base64.b64encode(b"o" * 32).decode(), "msg_1", NOW, BODY
        )
        sent["webhook-signature"] = f"v1a,bm9wZQ== {other} {sent['webhook-signature']}"
        assert verify(sent) == "msg_1"

    @pytest.mark.parametrize(
        ("sent", "body", "reason"),
        [
            pytest.param(headers(), BODY + b" ", "no v1 signature", id="tampered body"),
            pytest.param(
                headers(secret="whsec_" + base64.b64encode(b"w" * 32).decode()),
                BODY,
                "no v1 signature",
                id="wrong secret",
            ),
            pytest.param(
                headers(timestamp=NOW - 301), BODY, "more than 300 s", id="stale"
            ),
            pytest.param(
                headers(timestamp=NOW + 301), BODY, "more than 300 s", id="future"
            ),
            pytest.param(
                {**headers(), "webhook-id": "msg_2"}, BODY, "no v1", id="other id"
            ),
            pytest.param(
                {**headers(), "webhook-timestamp": f"{NOW - 1}"},
                BODY,
                "no v1",
                id="other timestamp",
            ),
            pytest.param(
                {
                    **headers(),
                    "webhook-signature": "v1a," + sign(SECRET, "msg_1", NOW, BODY)[3:],
                },
                BODY,
                "no v1",
                id="only another scheme",
            ),
            pytest.param(
                {k: v for k, v in headers().items() if k != "webhook-signature"},
                BODY,
                "webhook-signature header is missing",
                id="no signature",
            ),
            pytest.param(
                {**headers(), "webhook-timestamp": "17e8"},
                BODY,
                "not a whole number",
                id="timestamp not a number",
            ),
            pytest.param(
                headers(mid="msg.1"), BODY, "full stop", id="full stop in the id"
            ),
        ],
    )
    def test_refused(self, sent: dict[str, str], body: bytes, reason: str) -> None:
        with pytest.raises(InvalidWebhook, match=reason):
            verify(sent, body)

    def test_the_tolerance_is_inclusive(self) -> None:
        assert verify(headers(timestamp=NOW - 300)) == "msg_1"

    @pytest.mark.parametrize("secret", ["MfKQ9r8G", "whsec_not base64!", "whsec_"])
    def test_a_secret_must_be_whsec_and_base64(self, secret: str) -> None:
        with pytest.raises(InvalidSecret):
            secret_key(secret)


@given(
    body=st.binary(max_size=200),
    mid=st.from_regex(r"msg_[A-Za-z0-9]{1,20}", fullmatch=True),
    flip=st.integers(0, 199),
)
def test_any_changed_byte_is_refused(body: bytes, mid: str, flip: int) -> None:
    sent = headers(body, mid=mid)
    assert verify(sent, body) == mid
    if body:
        index = flip % len(body)
        changed = body[:index] + bytes([body[index] ^ 1]) + body[index + 1 :]
        with pytest.raises(InvalidWebhook):
            verify(sent, changed)


@pytest.fixture
def receiver() -> Iterator[tuple[str, io.StringIO]]:
    output = io.StringIO()
    server = ReceiverServer(
        ("127.0.0.1", 0), secret_key(SECRET), EventSink(output), clock=lambda: NOW
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", output
    finally:
        server.shutdown()
        server.server_close()


class TestTheReceiver:
    def test_an_authentic_delivery_is_204_and_one_json_line(
        self, receiver: tuple[str, io.StringIO]
    ) -> None:
        url, output = receiver
        response = httpx.post(f"{url}/hooks", content=BODY, headers=headers())
        assert response.status_code == 204
        assert [json.loads(line) for line in output.getvalue().splitlines()] == [
            {"webhook_id": "msg_1", **json.loads(BODY)}
        ]

    def test_a_repeat_is_accepted_and_printed_once(
        self, receiver: tuple[str, io.StringIO]
    ) -> None:
        url, output = receiver
        for _ in range(2):
            response = httpx.post(f"{url}/hooks", content=BODY, headers=headers())
            assert response.status_code == 204
        assert len(output.getvalue().splitlines()) == 1

    @pytest.mark.parametrize(
        ("sent", "body", "detail"),
        [
            (
                headers(),
                BODY.replace(b"stopped", b"lifted"),
                "no v1 signature matches this secret",
            ),
            (
                headers(secret="whsec_" + base64.b64encode(b"w" * 32).decode()),
                BODY,
                "no v1 signature matches this secret",
            ),
            (
                headers(timestamp=NOW - 600),
                BODY,
                "webhook-timestamp is more than 300 s away from now",
            ),
            ({}, BODY, "the webhook-id header is missing"),
        ],
        ids=["tampered body", "wrong secret", "stale timestamp", "unsigned"],
    )
    def test_anything_else_is_401_and_not_printed(
        self,
        receiver: tuple[str, io.StringIO],
        sent: dict[str, str],
        body: bytes,
        detail: str,
    ) -> None:
        url, output = receiver
        response = httpx.post(f"{url}/hooks", content=body, headers=sent)
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json() == {
            "type": "about:blank",
            "title": "Unauthorized",
            "status": 401,
            "detail": detail,
        }
        assert output.getvalue() == ""

    def test_a_body_over_one_mebibyte_is_413(
        self, receiver: tuple[str, io.StringIO]
    ) -> None:
        url, _ = receiver
        big = b"x" * (1024 * 1024 + 1)
        response = httpx.post(f"{url}/hooks", content=big, headers=headers(big))
        assert response.status_code == 413

    def test_it_answers_its_health_check(
        self, receiver: tuple[str, io.StringIO]
    ) -> None:
        url, _ = receiver
        assert httpx.get(f"{url}/healthz").status_code == 200


@pytest.mark.parametrize("content", [None, "not-a-secret"])
def test_the_command_refuses_a_missing_or_bad_secret_file(
    tmp_path: Path, content: str | None, capsys: pytest.CaptureFixture[str]
) -> None:
    secret_file = tmp_path / "secret"
    if content is not None:
        secret_file.write_text(content)
    command = ["webhooks", "receive", "--port", "0", "--secret-file", str(secret_file)]
    assert main(command) == 2
    error = capsys.readouterr().err
    assert error.startswith(f"samverkan: {secret_file}: ")
    assert "not-a-secret" not in error
