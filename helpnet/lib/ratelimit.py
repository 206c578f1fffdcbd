"""A small counter of attempts in the cache: logins, codes, public forms.

    over = ratelimit.hit("login-account", username, limit=5, window_seconds=15 * 60)

- Windows are fixed and aligned to the clock (``time // window_seconds``): a counter's cache entry expires
  when its window ends, so the next window starts at nought. At a window's edge a client can, at worst, use two windows' allowance
  in a row; the counters stay one cache entry each, on every backend.
- Keys are an HMAC (with SECRET_KEY) of the scope and the key, so no IP address or username is ever stored in a
  cache key, a cache value or a log.
- Works on every Django cache. With several app servers the cache must be shared (settings: HELPNET_CACHE_URL):
  local memory counts per process.
"""

import hashlib
import hmac
import ipaddress
import time
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

KEY_PREFIX = "helpnet-rl"

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in proxies if p.strip())


def _is_trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, unless the peer is one of our own proxies.

    settings.HELPNET_TRUSTED_PROXIES lists the proxies' addresses (or networks, "10.0.0.0/8"). Only when the
    peer is one of them is X-Forwarded-For read, from the right: the right-most entry that is not a trusted
    proxy is the client. Everything left of it was written by the client and may be forged.
    """
    remote = request.META.get("REMOTE_ADDR", "") or ""
    networks = _networks(tuple(getattr(settings, "HELPNET_TRUSTED_PROXIES", ()) or ()))
    if not networks or not _is_trusted(remote, networks):
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    for address in reversed(forwarded):
        if not _is_trusted(address, networks):
            return address
    return forwarded[0] if forwarded else remote


def _cache_key(scope: str, key: str) -> str:
    message = f"{scope}\0{key}".encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()[:40]
    return f"{KEY_PREFIX}:{scope}:{digest}"


def _seconds_left(window_seconds: int) -> int:
    """Seconds until the current window ends (at least 1)."""
    now = time.time()
    return max(1, int((now // window_seconds + 1) * window_seconds - now) + 1)


def count(scope: str, key: str) -> int:
    """How many hits this key has in the current window."""
    return int(cache.get(_cache_key(scope, key), 0))


def hit(scope: str, key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one attempt; True when this attempt is over the limit (limit 0 = no limit, never counted)."""
    if limit <= 0:
        return False
    cache_key = _cache_key(scope, key)
    left = _seconds_left(window_seconds)
    # The entry lives until its window ends. add + incr is atomic on local memory and Redis, so parallel
    # attempts are each counted; the database cache's incr is a read and a write (two servers counting the
    # same key at the same instant may count once) and sets the default timeout, which touch puts right.
    cache.add(cache_key, 0, timeout=left)
    try:
        used = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=left)
        used = 1
    cache.touch(cache_key, timeout=left)
    return used > limit


def peek(scope: str, key: str, *, limit: int, window_seconds: int) -> bool:
    """Is this key at or over its limit already (the next attempt would be refused)? Counts nothing.

    Takes the same arguments as hit, so a caller can keep one dict of them for both.
    """
    if limit <= 0:
        return False
    return count(scope, key) >= limit


def reset(scope: str, key: str) -> None:
    """Forget this key's attempts (after a successful login, say)."""
    cache.delete(_cache_key(scope, key))
