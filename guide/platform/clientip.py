"""The client's address: one rule for the login limiter, the rate limits and anything else.

A request that comes straight from a client is known by its `REMOTE_ADDR`. A request that
comes from a trusted proxy (`TRUSTED_PROXIES`, read from `FORWARDED_ALLOW_IPS` like
gunicorn) carries the client in `X-Forwarded-For`: each proxy appends the address it
received the request from, so the list is read from the right, and the first address that
is not one of our proxies is the client. Anything to its left was written by the client
and can be anything, so it is never used.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

UNKNOWN = "0.0.0.0"  # the client when no address is known at all

type Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def trusted_networks(proxies: tuple[str, ...]) -> tuple[Network, ...] | None:
    """The networks of `proxies`; None when every address is trusted ("*")."""
    if "*" in proxies:
        return None
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def parse_address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    # An IPv4 client seen through an IPv6 socket is the same client.
    return getattr(address, "ipv4_mapped", None) or address


def is_trusted(address, networks: tuple[Network, ...] | None) -> bool:
    return networks is None or any(address in network for network in networks)


def client_ip(request: HttpRequest) -> str:
    """The address of the client that sent `request` (see the module's docstring)."""
    networks = trusted_networks(tuple(settings.TRUSTED_PROXIES))
    remote = parse_address(request.META.get("REMOTE_ADDR", ""))
    # No address: the proxy came through a local (unix) socket, which only this host reaches.
    if remote is not None and not is_trusted(remote, networks):
        return str(remote)
    forwarded = [
        address
        for value in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if (address := parse_address(value)) is not None
    ]
    for address in reversed(forwarded):
        if not is_trusted(address, networks):
            return str(address)
    # Every hop is one of our proxies (or everything is trusted): the left-most is the client.
    if forwarded:
        return str(forwarded[0])
    return str(remote) if remote is not None else UNKNOWN
