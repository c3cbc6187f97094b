"""An outbound HTTP client that cannot be turned against Parley's own network (SSRF).

Each hop — the first URL and every redirect — is resolved and judged by `AddressPolicy`
before any connection; the connection goes to the judged address (the original host name
rides in the Host header and TLS SNI/certificate check), so a DNS answer that changes
between check and use cannot redirect it. Size, total time and redirects are bounded;
environment proxies are ignored (a proxy would make the address check meaningless).
"""

from __future__ import annotations

import asyncio
import ipaddress
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx

from parley.platform.net.addresses import AddressPolicy, AddressRefused, IPAddress
from parley.platform.settings import Settings

REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
DEFAULT_PORTS = {"http": 80, "https": 443}


class FetchError(Exception):
    """Outbound fetch failed; `reason` is safe to log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class FetchRefused(FetchError):
    """The destination (or a redirect's) is not allowed."""


class TooLarge(FetchError):
    pass


class TooManyRedirects(FetchError):
    pass


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 2 * 1024 * 1024
    timeout: float = 10.0  # seconds for the whole fetch, redirects included
    max_redirects: int = 5


@dataclass(frozen=True)
class FetchResult:
    url: str  # the final URL after redirects
    status: int
    headers: httpx.Headers
    body: bytes

    @property
    def content_type(self) -> str:
        value: str = self.headers.get("content-type", "")
        return value.split(";")[0].strip().lower()


@dataclass(frozen=True)
class _Target:
    url: str
    scheme: str
    host: str
    port: int
    address: IPAddress


def _host_header(host: str, port: int, scheme: str) -> str:
    shown = f"[{host}]" if ":" in host else host
    return shown if DEFAULT_PORTS[scheme] == port else f"{shown}:{port}"


def _pinned_url(target: _Target, url: str) -> str:
    """`url` with its host replaced by the judged address (the connection goes there)."""
    parts = urlsplit(url)
    literal = (
        f"[{target.address}]"
        if isinstance(target.address, ipaddress.IPv6Address)
        else str(target.address)
    )
    netloc = f"{literal}:{target.port}"
    return parts._replace(netloc=netloc, fragment="").geturl()


@dataclass
class SafeClient:
    """`await SafeClient(policy).get(url)`; one instance may serve many fetches."""

    policy: AddressPolicy = field(default_factory=AddressPolicy)
    limits: Limits = field(default_factory=Limits)
    user_agent: str = "Parley-LinkPreview/1.0 (+https://github.com/parley)"

    async def _target(self, url: str) -> _Target:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in DEFAULT_PORTS:
            raise FetchRefused(f"scheme {scheme!r} not allowed")
        if parts.username or parts.password:
            raise FetchRefused("credentials in URL not allowed")
        host = parts.hostname
        if not host:
            raise FetchRefused("URL has no host")
        try:
            port = parts.port or DEFAULT_PORTS[scheme]
        except ValueError:
            raise FetchRefused("invalid port") from None
        try:
            address = await self.policy.resolve(host, port)
        except AddressRefused as refused:
            raise FetchRefused(str(refused)) from None
        return _Target(url=url, scheme=scheme, host=host, port=port, address=address)

    async def _hop(self, http: httpx.AsyncClient, target: _Target) -> FetchResult:
        request = http.build_request(
            "GET",
            _pinned_url(target, target.url),
            headers={
                "host": _host_header(target.host, target.port, target.scheme),
                "user-agent": self.user_agent,
                "accept": "text/html,application/xhtml+xml,*/*;q=0.8",
            },
            extensions={"sni_hostname": target.host} if target.scheme == "https" else {},
        )
        response = await http.send(request, stream=True)
        try:
            if response.status_code in REDIRECT_CODES:
                return FetchResult(target.url, response.status_code, response.headers, b"")
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > self.limits.max_bytes:
                raise TooLarge(f"response larger than {self.limits.max_bytes} bytes")
            body = bytearray()
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > self.limits.max_bytes:
                    raise TooLarge(f"response larger than {self.limits.max_bytes} bytes")
            return FetchResult(target.url, response.status_code, response.headers, bytes(body))
        finally:
            await response.aclose()

    async def _follow(self, url: str) -> FetchResult:
        async with httpx.AsyncClient(
            trust_env=False, follow_redirects=False, timeout=self.limits.timeout
        ) as http:
            for _ in range(self.limits.max_redirects + 1):
                target = await self._target(url)
                result = await self._hop(http, target)
                location = result.headers.get("location")
                if result.status not in REDIRECT_CODES or not location:
                    return result
                url = urljoin(url, location)
        raise TooManyRedirects(f"more than {self.limits.max_redirects} redirects")

    async def get(self, url: str) -> FetchResult:
        """GET `url` within the limits; `FetchError` (or a subclass) on any failure."""
        try:
            async with asyncio.timeout(self.limits.timeout):
                return await self._follow(url)
        except TimeoutError:
            raise FetchError("timed out") from None
        except httpx.HTTPError as error:
            raise FetchError(f"HTTP error: {type(error).__name__}") from None

    async def post(
        self,
        url: str,
        body: bytes,
        headers: dict[str, str],
        http: httpx.AsyncClient | None = None,
    ) -> FetchResult:
        """POST `body` once (redirects are not followed: the 3xx comes back as the result);
        same address checks and limits as `get`. Used for app deliveries (Events API).

        Pass a long-lived `http` (made with `trust_env=False, follow_redirects=False`) to
        reuse connections: building a client per request costs an SSL context each time."""
        try:
            async with asyncio.timeout(self.limits.timeout):
                target = await self._target(url)
                if http is not None:
                    return await self._post_hop(http, target, body, headers)
                async with httpx.AsyncClient(
                    trust_env=False, follow_redirects=False, timeout=self.limits.timeout
                ) as own:
                    return await self._post_hop(own, target, body, headers)
        except TimeoutError:
            raise FetchError("timed out") from None
        except httpx.HTTPError as error:
            raise FetchError(f"HTTP error: {type(error).__name__}") from None

    async def _post_hop(
        self, http: httpx.AsyncClient, target: _Target, body: bytes, headers: dict[str, str]
    ) -> FetchResult:
        request = http.build_request(
            "POST",
            _pinned_url(target, target.url),
            content=body,
            headers={
                **headers,
                "host": _host_header(target.host, target.port, target.scheme),
                "user-agent": self.user_agent,
            },
            extensions={"sni_hostname": target.host} if target.scheme == "https" else {},
        )
        return await self._read(await http.send(request, stream=True), target)

    async def _read(self, response: httpx.Response, target: _Target) -> FetchResult:
        try:
            body = bytearray()
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > self.limits.max_bytes:
                    raise TooLarge(f"response larger than {self.limits.max_bytes} bytes")
            return FetchResult(target.url, response.status_code, response.headers, bytes(body))
        finally:
            await response.aclose()


def client_for(settings: Settings, limits: Limits | None = None) -> SafeClient:
    """The client Parley's workers use, following `PARLEY_OUTBOUND_ALLOW_PRIVATE`."""
    return SafeClient(
        policy=AddressPolicy(allow_private=settings.outbound_allow_private),
        limits=limits or Limits(),
    )
