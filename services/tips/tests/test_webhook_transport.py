"""The deliverer's transport connects only to the addresses the guard vetted.

A check before the request and a second DNS lookup by the HTTP client would leave room
for rebinding; these tests resolve names with a resolver of their own, so the system's
DNS is never asked, and show where each connection goes.
"""

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from samverkan_shared.http import make_client
from samverkan_tips.webhooks.destinations import DestinationGuard
from samverkan_tips.webhooks.transport import guarded_transport


class _Server:
    def __init__(self) -> None:
        self.hosts: list[str] = []
        self.port = 0


@pytest.fixture
def server() -> Iterator[_Server]:
    state = _Server()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            state.hosts.append(self.headers["Host"])
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield state
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def _post(guard: DestinationGuard, url: str) -> httpx.Response:
    with make_client(transport=guarded_transport(guard), attempts=1) as client:
        return client.post(url, content=b"{}")


def test_an_allowed_name_is_sent_to_the_address_resolved_for_it(
    server: _Server,
) -> None:
    """`hooks.test` exists in no DNS: the request can only arrive through the
    address the guard resolved, with the name kept in the Host header."""
    guard = DestinationGuard(
        allowed=frozenset({("hooks.test", None)}),
        resolve=lambda host, port: ["127.0.0.1"],
    )
    response = _post(guard, f"http://hooks.test:{server.port}/hooks")
    assert response.status_code == 204
    assert server.hosts == [f"hooks.test:{server.port}"]


def test_a_name_that_rebinds_to_loopback_after_the_check_is_not_connected(
    server: _Server,
) -> None:
    answers = iter([["93.184.216.34"], ["127.0.0.1"]])
    guard = DestinationGuard(resolve=lambda host, port: next(answers))
    url = f"https://rebind.example:{server.port}/hooks"
    guard.check(url)  # the first answer is public: the URL passes the check
    with pytest.raises(httpx.ConnectError, match=r"refused: .*loopback"):
        _post(guard, url)
    assert server.hosts == []


def test_an_unreachable_address_gives_way_to_the_next_vetted_one(
    server: _Server,
) -> None:
    # Nothing listens on 127.0.0.2 at the server's port (it is bound to 127.0.0.1).
    guard = DestinationGuard(
        allowed=frozenset({("hooks.test", None)}),
        resolve=lambda host, port: ["127.0.0.2", "127.0.0.1"],
    )
    response = _post(guard, f"http://hooks.test:{server.port}/hooks")
    assert response.status_code == 204
    assert len(server.hosts) == 1


def test_a_name_that_does_not_resolve_is_refused_at_the_connection() -> None:
    def nowhere(host: str, port: int) -> list[str]:
        raise OSError("no such host")

    guard = DestinationGuard(allowed=frozenset({("gone.test", None)}), resolve=nowhere)
    with pytest.raises(httpx.ConnectError, match="does not resolve"):
        _post(guard, "http://gone.test:9/hooks")
