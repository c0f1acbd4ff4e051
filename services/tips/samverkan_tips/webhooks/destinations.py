"""Where webhooks may go: https to public addresses, or what the operator allows.

A subscription URL must be https and resolve only to global unicast addresses; a
host the operator's allow-list (``TIPS_WEBHOOK_ALLOW``: ``host`` or ``host:port``,
comma-separated) names may also be http and private. The check runs when a
subscription is made, and again when a delivery connects: `addresses` resolves the
host once and the deliverer's transport (`webhooks.transport`) connects only to the
addresses it vetted, so a DNS answer that changes between the check and the connection
(rebinding) cannot steer a delivery to an internal address.
"""

import ipaddress
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Self
from urllib.parse import urlsplit

__all__ = ["DestinationGuard", "UnsafeDestination"]

_DEFAULT_PORTS = {"http": 80, "https": 443}
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class UnsafeDestination(Exception):
    """A URL webhooks may not be sent to; the message says why."""


def _resolve(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    return [str(info[4][0]) for info in infos]


def _kind(address: IPAddress) -> str | None:
    """Why an address is refused (its kind), or None for a global unicast one."""
    checks = (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("private", address.is_private),
        ("reserved", address.is_reserved),
        ("non-global", not address.is_global),
    )
    return next((kind for kind, refused in checks if refused), None)


def _parse_allowed(entry: str) -> tuple[str, int | None]:
    entry = entry.strip().lower()
    if entry.startswith("["):  # [v6]:port
        host, _, rest = entry[1:].partition("]")
        return host, int(rest[1:]) if rest.startswith(":") else None
    if entry.count(":") == 1:
        host, port = entry.split(":")
        return host, int(port)
    return entry, None


@dataclass(frozen=True)
class DestinationGuard:
    allowed: frozenset[tuple[str, int | None]] = frozenset()
    resolve: Callable[[str, int], Sequence[str]] = field(default=_resolve)

    @classmethod
    def from_setting(cls, allow_list: str) -> Self:
        """From ``TIPS_WEBHOOK_ALLOW`` (``host[:port]``, comma-separated)."""
        entries = (e for e in allow_list.split(",") if e.strip())
        return cls(frozenset(_parse_allowed(entry) for entry in entries))

    def check(self, url: str) -> None:
        """Raise `UnsafeDestination` unless webhooks may be sent to ``url``."""
        parts = urlsplit(url)
        scheme, host = parts.scheme.lower(), parts.hostname
        try:
            port = parts.port or _DEFAULT_PORTS.get(scheme, 0)
        except ValueError:
            raise UnsafeDestination(
                "the URL's port is not a number from 0 to 65535"
            ) from None
        if scheme not in _DEFAULT_PORTS or not host:
            raise UnsafeDestination("give an absolute https URL (https://host/path)")
        if parts.username is not None or parts.password is not None:
            raise UnsafeDestination("the URL may not hold a user name or password")
        if self._allows(host, port):
            return
        if scheme != "https":
            raise UnsafeDestination(
                "only https URLs, unless the operator's allow-list "
                "(TIPS_WEBHOOK_ALLOW) names the host"
            )
        self._check_addresses(host, port)

    def addresses(self, host: str, port: int) -> list[str]:
        """The addresses a connection to ``host:port`` may use, resolved once: all of
        them for an allowed host, else only if every one is global unicast."""
        host = host.lower()
        if self._allows(host, port):
            return self._resolved(host, port)
        return self._check_addresses(host, port)

    def _allows(self, host: str, port: int) -> bool:
        return (host, None) in self.allowed or (host, port) in self.allowed

    def _resolved(self, host: str, port: int) -> list[str]:
        try:
            addresses = list(self.resolve(host, port))
        except (OSError, UnicodeError):
            raise UnsafeDestination(f"the host {host} does not resolve") from None
        if not addresses:
            raise UnsafeDestination(f"the host {host} does not resolve")
        return addresses

    def _check_addresses(self, host: str, port: int) -> list[str]:
        addresses = self._resolved(host, port)
        for text in addresses:
            address = ipaddress.ip_address(text.partition("%")[0])
            if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
                address = address.ipv4_mapped
            kind = _kind(address)
            if kind is not None:
                raise UnsafeDestination(
                    f"the host {host} resolves to a {kind} address ({address}); "
                    "webhooks go to public addresses only, unless the operator's "
                    "allow-list (TIPS_WEBHOOK_ALLOW) names the host"
                )
        return addresses
