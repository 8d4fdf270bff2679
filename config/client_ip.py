"""The address a request came from, as the proxies in front of the app saw it."""

from django.conf import settings


def client_ip(request):
    """The client's address for django-axes' lockout.

    Behind `TRUSTED_PROXY_COUNT` proxies (nginx in docker-compose: 1), each appends the address it received
    the request from to X-Forwarded-For, so the client is the entry that many places from the right; entries
    further left were written by the client itself and prove nothing. Without proxies, or when the header is
    shorter than it must be (a request that reached the app around the proxy), REMOTE_ADDR is the client.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [address.strip() for address in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [address for address in forwarded if address]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")
