"""The outbound client refuses internal destinations, in every spelling, before connecting,
and again after every redirect."""

from __future__ import annotations

import ipaddress
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from parley.platform.net.addresses import (
    AddressPolicy,
    AddressRefused,
    IPAddress,
    parse_ip_literal,
    refusal_reason,
)
from parley.platform.net.client import (
    FetchError,
    FetchRefused,
    Limits,
    SafeClient,
    TooLarge,
    TooManyRedirects,
)
from parley.platform.settings import load_settings

REFUSED_URLS = [
    "http://127.0.0.1/",
    "http://[::1]/",
    "http://169.254.169.254/latest/meta-data/",
    "http://10.0.0.1/",
    "http://192.168.1.1/",
    "http://172.16.0.1/",
    "http://100.64.0.1/",
    "http://0.0.0.0/",
    "http://0/",
    "http://2130706433/",
    "http://0177.0.0.1/",
    "http://0x7f000001/",
    "http://0x7f.0.0.1/",
    "http://127.1/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:7f00:1]/",
    "http://[::ffff:169.254.169.254]/",
    "http://[fd00:ec2::254]/",
    "http://[fe80::1]/",
    "http://[64:ff9b::a9fe:a9fe]/",
    "http://224.0.0.1/",
    "http://localhost/",
    "http://LOCALHOST./",
]


class Recorder(BaseHTTPRequestHandler):
    """A local server: `/redirect?to=URL` redirects, `/big` is large, anything else says hi."""

    hits: list[str]

    def do_GET(self) -> None:
        type(self).hits.append(self.path)
        if self.path.startswith("/redirect?to="):
            self.send_response(302)
            self.send_header("Location", self.path.split("=", 1)[1])
            self.end_headers()
            return
        if self.path == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
            self.end_headers()
            return
        if self.path == "/slow":
            time.sleep(2)
        body = b"x" * 100_000 if self.path == "/big" else b"hello from the test server"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return


def _serve() -> tuple[ThreadingHTTPServer, type[Recorder]]:
    handler = type("Handler", (Recorder,), {"hits": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, handler


@pytest.fixture
def allowed_server() -> Iterator[tuple[int, type[Recorder]]]:
    server, handler = _serve()
    yield server.server_address[1], handler
    server.shutdown()
    server.server_close()


@pytest.fixture
def forbidden_server() -> Iterator[tuple[int, type[Recorder]]]:
    """A second local server that must never be reached."""
    server, handler = _serve()
    yield server.server_address[1], handler
    server.shutdown()
    server.server_close()


def only(port: int) -> AddressPolicy:
    """The test seam: private addresses stay refused, except this one endpoint."""
    return AddressPolicy(
        allow_private=False,
        allowed_endpoints=frozenset({(ipaddress.ip_address("127.0.0.1"), port)}),
    )


@pytest.mark.parametrize("url", REFUSED_URLS)
async def test_internal_destinations_are_refused(url: str) -> None:
    with pytest.raises(FetchRefused):
        await SafeClient().get(url)


@pytest.mark.parametrize(
    ("literal", "expected"),
    [
        ("2130706433", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("0", "0.0.0.0"),
        ("[::ffff:127.0.0.1]", "::ffff:7f00:1"),
        ("example.com", None),
        ("1.2.3.4.5", None),
        ("256.1.1.1", None),
    ],
)
def test_literal_forms_are_decoded(literal: str, expected: str | None) -> None:
    found = parse_ip_literal(literal)
    assert (str(found) if found else None) == expected


async def test_names_resolving_inside_are_refused() -> None:
    async def resolver(host: str, port: int) -> list[IPAddress]:
        # One public and one internal answer: the internal one taints the name.
        return [ipaddress.ip_address("93.184.215.14"), ipaddress.ip_address("10.1.2.3")]

    with pytest.raises(FetchRefused, match="private"):
        await SafeClient(policy=AddressPolicy(resolver=resolver)).get("http://evil.example/")


def test_public_addresses_pass_and_private_only_when_allowed() -> None:
    public = ipaddress.ip_address("93.184.215.14")
    private = ipaddress.ip_address("10.0.0.1")
    metadata = ipaddress.ip_address("169.254.169.254")
    assert refusal_reason(public, allow_private=False) is None
    assert refusal_reason(private, allow_private=False) == "private address"
    assert refusal_reason(private, allow_private=True) is None
    # Metadata endpoints stay closed even for an operator who allows private networks.
    assert refusal_reason(metadata, allow_private=True) == "cloud metadata address"


def test_setting_comes_from_the_environment() -> None:
    assert load_settings({}).outbound_allow_private is False
    env = {"PARLEY_OUTBOUND_ALLOW_PRIVATE": "true"}
    assert load_settings(env).outbound_allow_private is True


async def test_allow_private_reaches_a_local_server(
    allowed_server: tuple[int, type[Recorder]],
) -> None:
    port, _ = allowed_server
    client = SafeClient(policy=AddressPolicy(allow_private=True))
    result = await client.get(f"http://localhost:{port}/page")
    assert result.status == 200 and result.body == b"hello from the test server"


async def test_allowed_endpoint_is_fetched(allowed_server: tuple[int, type[Recorder]]) -> None:
    port, handler = allowed_server
    result = await SafeClient(policy=only(port)).get(f"http://127.0.0.1:{port}/page")
    assert result.body == b"hello from the test server"
    assert handler.hits == ["/page"]


@pytest.mark.parametrize(
    "target",
    [
        "http://127.0.0.1:{forbidden}/secret",
        "http://[::1]:{forbidden}/secret",
        "http://localhost:{forbidden}/secret",
        "http://2130706433:{forbidden}/secret",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/",
        "file:///etc/passwd",
    ],
)
async def test_redirects_into_internal_addresses_are_refused(
    allowed_server: tuple[int, type[Recorder]],
    forbidden_server: tuple[int, type[Recorder]],
    target: str,
) -> None:
    port, handler = allowed_server
    forbidden_port, forbidden = forbidden_server
    location = target.format(forbidden=forbidden_port)
    with pytest.raises(FetchRefused):
        await SafeClient(policy=only(port)).get(f"http://127.0.0.1:{port}/redirect?to={location}")
    assert handler.hits == [f"/redirect?to={location}"]
    assert forbidden.hits == []  # never connected


async def test_redirect_within_allowed_server_is_followed(
    allowed_server: tuple[int, type[Recorder]],
) -> None:
    port, handler = allowed_server
    result = await SafeClient(policy=only(port)).get(f"http://127.0.0.1:{port}/redirect?to=/final")
    assert result.url.endswith("/final") and result.status == 200
    assert handler.hits == ["/redirect?to=/final", "/final"]


async def test_size_and_redirect_limits(allowed_server: tuple[int, type[Recorder]]) -> None:
    port, _ = allowed_server
    small = SafeClient(policy=only(port), limits=Limits(max_bytes=1000))
    with pytest.raises(TooLarge):
        await small.get(f"http://127.0.0.1:{port}/big")
    with pytest.raises(TooManyRedirects):
        await SafeClient(policy=only(port)).get(f"http://127.0.0.1:{port}/loop")


async def test_time_limit(allowed_server: tuple[int, type[Recorder]]) -> None:
    port, _ = allowed_server
    impatient = SafeClient(policy=only(port), limits=Limits(timeout=0.3))
    with pytest.raises(FetchError, match="timed out"):
        await impatient.get(f"http://127.0.0.1:{port}/slow")


async def test_unresolvable_name_is_refused() -> None:
    async def resolver(host: str, port: int) -> list[IPAddress]:
        raise AddressRefused(host, "cannot resolve")

    with pytest.raises(FetchRefused):
        await SafeClient(policy=AddressPolicy(resolver=resolver)).get("http://nowhere.invalid/")
