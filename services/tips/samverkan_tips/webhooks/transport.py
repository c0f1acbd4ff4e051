"""An HTTP transport that connects only to addresses the destination guard vetted.

Checking a URL and then letting the HTTP client resolve its host again leaves a gap: a
DNS answer can change in between (rebinding) and send the delivery to an internal
address. Here the check happens at the connection itself: the network backend asks the
guard for the host's addresses (resolved once, each one checked) and connects to one of
them. TLS still verifies the certificate against the host name, and the Host header is
unchanged, so only the address is pinned.
"""

import typing

import httpcore
import httpx

from samverkan_tips.webhooks.destinations import DestinationGuard, UnsafeDestination

__all__ = ["GuardedBackend", "guarded_transport"]


class GuardedBackend(httpcore.SyncBackend):
    """Opens TCP connections only to addresses `DestinationGuard.addresses` returns."""

    def __init__(self, guard: DestinationGuard) -> None:
        self._guard = guard

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            addresses = self._guard.addresses(host, port)
        except UnsafeDestination as error:
            # httpx reports a ConnectError, which the deliverer stores as the reason.
            raise httpcore.ConnectError(f"refused: {error}") from None
        *others, last = addresses  # never empty: addresses() raises instead
        for address in others:
            try:
                return super().connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout):
                continue  # the next address may answer
        return super().connect_tcp(last, port, timeout, local_address, socket_options)


def guarded_transport(guard: DestinationGuard) -> httpx.BaseTransport:
    """A transport like ``httpx.HTTPTransport()`` whose connections the guard vets."""
    transport = httpx.HTTPTransport()
    # httpx has no parameter for a network backend, so its pool is replaced by one
    # with the guarded backend and httpx's default limits.
    transport._pool = httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(),
        max_connections=100,
        max_keepalive_connections=20,
        keepalive_expiry=5.0,
        network_backend=GuardedBackend(guard),
    )
    return transport
