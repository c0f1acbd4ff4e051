"""`samverkan audit verify`'s download against a stand-in log (no app, no issuer):
pages fetched ahead of the check, the progress bar, and a download that goes wrong."""

import io
from collections.abc import Iterator

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from samverkan_audit_log.checkpoints.signer import LogSigner
from samverkan_audit_log.cli import Progress, main
from samverkan_audit_log.verification import log_client
from samverkan_audit_log.verification.log_client import FetchFailed, Prefetch

LOG_URL = "http://audit.test"


def test_the_progress_bar_draws_only_on_a_terminal() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal, pipe = Terminal(), io.StringIO()
    for stream in (terminal, pipe):
        progress = Progress(200, stream, width=10)
        progress.update(100)
        progress.update(200)
        progress.close()
    assert pipe.getvalue() == ""
    assert terminal.getvalue() == (
        "\r[#####.....]  50% 100/200 entries\r[##########] 100% 200/200 entries\n"
    )


class TestPrefetch:
    def test_yields_everything_in_order(self) -> None:
        with Prefetch(iter(range(50)), depth=2) as pages:
            assert list(pages) == list(range(50))

    def test_raises_what_the_source_raised_after_the_items_before_it(self) -> None:
        def source() -> Iterator[int]:
            yield 1
            raise FetchFailed("entries: HTTP 503")

        with Prefetch(source()) as pages:
            assert next(pages) == 1
            with pytest.raises(FetchFailed, match="HTTP 503"):
                next(pages)
            with pytest.raises(StopIteration):
                next(pages)

    def test_leaving_early_stops_the_thread(self) -> None:
        produced: list[int] = []

        def endless() -> Iterator[int]:
            number = 0
            while True:
                produced.append(number)
                yield number
                number += 1

        with Prefetch(endless(), depth=1) as pages:
            assert next(pages) == 0
        assert not pages._thread.is_alive()
        assert len(produced) <= 4  # one taken, one queued, one waiting to be queued


class _BrokenOff(httpx.SyncByteStream):
    def __iter__(self) -> Iterator[bytes]:
        yield b"{}\n"
        raise httpx.RemoteProtocolError("peer closed connection")


def _log_serving(export: bytes | None, status: int = 200) -> log_client.ClientFactory:
    """A log whose checkpoint covers two entries, and whose export is ``export``
    (None: one that breaks off)."""
    signer = LogSigner("samverkan.test/audit-log", Ed25519PrivateKey.generate())

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/log-key":
            return httpx.Response(200, text=signer.verifier_key)
        if request.url.path == "/v1/checkpoint":
            return httpx.Response(200, text=signer.sign(2, bytes(32)))
        assert request.url.path == "/v1/export"
        assert request.url.params["format"] == "jsonl"
        if export is None:
            return httpx.Response(status, stream=_BrokenOff())
        return httpx.Response(status, content=export)

    def factory(base_url: str) -> httpx.Client:
        return httpx.Client(base_url=base_url, transport=httpx.MockTransport(handle))

    return factory


@pytest.mark.parametrize(
    ("export", "status", "failure"),
    [
        (b"{}\n{\n", 200, "FAIL: export: line 2 is not JSON\n"),
        (b"gone", 503, "FAIL: export: HTTP 503 gone\n"),
        (b"", 200, "FAIL: the log returned 0 entries but the checkpoint covers 2\n"),
        (
            None,
            200,
            "FAIL: export: the download broke off: peer closed connection\n",
        ),
    ],
)
def test_verify_names_what_was_wrong_with_the_download(
    export: bytes | None, status: int, failure: str, monkeypatch
) -> None:
    monkeypatch.setenv("SAMVERKAN_ACCESS_TOKEN", "token")
    out = io.StringIO()
    code = main(
        ["--url", LOG_URL],
        client_factory=_log_serving(export, status),
        stdout=out,
        stderr=io.StringIO(),
    )
    assert (code, out.getvalue()) == (1, failure)
