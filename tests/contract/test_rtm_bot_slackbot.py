"""A real RTM bot, unmodified: `slackbot` (PyPI, lins05/slackbot, on `slacker`), started as
its README says (`Bot().run()` with a `slackbot_settings` module and a plugin), against a
live Parley. It loads users and conversations (users.list, conversations.list), calls
`rtm.start`, opens the socket, receives a message and replies over the socket.

slacker hard-codes `https://slack.com/api/`, and slackbot exposes no base URL. So, as the
brief allows, the redirect is in the bot's environment, not in its code: `HTTPS_PROXY`
(honoured by `requests`, which slacker uses) names a proxy in this test that ends TLS for
slack.com with a certificate from a test CA (`REQUESTS_CA_BUNDLE`) and forwards the plain
HTTP to Parley; `http_proxy` (which slackbot passes to websocket-client) tunnels the
socket the same way. Parley builds the socket URL from the Host it was asked under, so the
bot connects to `ws://slack.com/rtm?…` and the proxy carries it to Parley too.
"""

from __future__ import annotations

import datetime
import json
import os
import select
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path
from typing import Any

import pytest
import websocket
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from slack_sdk import WebClient

from parley.platform.services import Services
from tests.conftest import LiveServer, SyncFactory
from tests.contract.bolt_support import wait_for

pytestmark = pytest.mark.slow

slackbot = pytest.importorskip("slackbot", reason="slackbot is installed by scripts/install --dev")

PLUGIN = """
from slackbot.bot import respond_to


@respond_to(r"ping (.*)")
def ping(message, word):
    message.reply("pong " + word)
"""

SETTINGS = """
PLUGINS = ["echo_plugin"]
"""


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def make_certificates(folder: Path) -> tuple[Path, Path, Path]:
    """A test CA and a certificate for slack.com it signed: (ca.pem, cert.pem, key.pem)."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("Parley test CA"))
        .issuer_name(_name("Parley test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder()
        .subject_name(_name("slack.com"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("slack.com")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .add_extension(
            x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    paths = folder / "ca.pem", folder / "cert.pem", folder / "key.pem"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return paths


class RedirectingProxy:
    """An HTTP CONNECT proxy on loopback that sends every tunnel to Parley: TLS (port 443)
    is ended here with the slack.com test certificate, other ports are piped as they are.
    Bounded: each tunnel closes after `idle` seconds without traffic, and `close` stops all."""

    def __init__(self, target_port: int, tls: ssl.SSLContext, idle: float = 60.0) -> None:
        self.target_port = target_port
        self.tls = tls
        self.idle = idle
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.tunnels: list[str] = []  # "host:port" of each CONNECT, for the assertions
        self.closing = False
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        self.closing = True
        self.server.close()

    def _accept(self) -> None:
        while not self.closing:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            threading.Thread(target=self._tunnel, args=(client,), daemon=True).start()

    def _tunnel(self, client: socket.socket) -> None:
        upstream: socket.socket | None = None
        try:
            head = b""
            while b"\r\n\r\n" not in head and len(head) < 8192:
                chunk = client.recv(4096)
                if not chunk:
                    return
                head += chunk
            method, target, _ = head.split(b"\r\n", 1)[0].decode("latin-1").split(" ", 2)
            if method != "CONNECT":
                client.sendall(b"HTTP/1.1 405 Method Not Allowed\r\ncontent-length: 0\r\n\r\n")
                return
            self.tunnels.append(target)
            client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            if target.endswith(":443"):
                client = self.tls.wrap_socket(client, server_side=True)
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            self._pipe(client, upstream)
        except (OSError, ValueError):
            return
        finally:
            for sock in (client, upstream):
                if sock is not None:
                    with suppress(OSError):
                        sock.close()

    def _pipe(self, a: socket.socket, b: socket.socket) -> None:
        peers = {a: b, b: a}
        while not self.closing:
            readable, _, _ = select.select([a, b], [], [], self.idle)
            if not readable:
                return
            for sock in readable:
                try:
                    data = sock.recv(65536)
                except ssl.SSLWantReadError:  # readable, but not yet a whole TLS record
                    continue
                if not data:
                    return
                peers[sock].sendall(data)
                # TLS may hold decrypted bytes select cannot see.
                while isinstance(sock, ssl.SSLSocket) and sock.pending():
                    peers[sock].sendall(sock.recv(sock.pending()))


@pytest.fixture
def proxy(live_server: LiveServer, tmp_path: Path) -> Iterator[tuple[RedirectingProxy, Path]]:
    ca, cert, key = make_certificates(tmp_path)
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert, key)
    redirect = RedirectingProxy(live_server.port, tls)
    yield redirect, ca
    redirect.close()


def bot_environment(proxy_port: int, ca: Path, token: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if "proxy" not in key.lower() and not key.startswith("SLACKBOT_")
    }
    env.update(
        {
            "HTTPS_PROXY": f"http://127.0.0.1:{proxy_port}",  # requests → slacker's Web API calls
            "http_proxy": f"http://127.0.0.1:{proxy_port}",  # slackbot → websocket-client
            "REQUESTS_CA_BUNDLE": str(ca),
            "SLACKBOT_API_TOKEN": token,  # slackbot's settings read SLACKBOT_* variables
        }
    )
    return env


def socket_count(server: LiveServer, user_id: str) -> int:
    import asyncio

    async def count(services: Services) -> int:
        return await services.realtime.user_socket_count(user_id)

    loop = server.services.realtime.loop
    assert loop is not None
    future = asyncio.run_coroutine_threadsafe(count(server.services), loop)
    return future.result(timeout=10)


def next_message_from(ws: websocket.WebSocket, user_id: str) -> dict[str, Any]:
    """The next `message` event on a watching socket posted by `user_id` (bounded).

    Each read waits at most a second: websocket-client answers the server's pings inside
    `recv`, so with one long timeout a quiet socket would wait past the deadline forever."""
    deadline = time.monotonic() + 20
    ws.settimeout(1.0)
    while time.monotonic() < deadline:
        try:
            event = json.loads(ws.recv())
        except websocket.WebSocketTimeoutException:
            continue
        if event.get("type") == "message" and event.get("user") == user_id:
            found: dict[str, Any] = event
            return found
    raise AssertionError(f"no message from {user_id} reached the channel's sockets")


def test_slackbot_replies_over_the_socket(
    live_server: LiveServer,
    sync_factory: SyncFactory,
    proxy: tuple[RedirectingProxy, Path],
    tmp_path: Path,
) -> None:
    redirect, ca = proxy
    team = sync_factory.workspace()
    bot = sync_factory.bot(team, name="pingbot")
    owner = WebClient(token=team.owner.token, base_url=live_server.api_url)
    channel = owner.conversations_create(name=f"bots-{time.time_ns()}")["channel"]["id"]
    owner.conversations_invite(channel=channel, users=bot.user_id)

    folder = tmp_path / "bot"
    folder.mkdir()
    (folder / "slackbot_settings.py").write_text(SETTINGS)
    (folder / "echo_plugin.py").write_text(PLUGIN)
    log = (tmp_path / "bot.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-c", "from slackbot.bot import Bot; Bot().run()"],
        cwd=folder,
        env=bot_environment(redirect.port, ca, bot.token),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        # slackbot calls rtm.start and opens a socket twice (SlackClient() connects, then
        # Bot.run() connects again and drops the first). A message posted before the second
        # rtm.start is older than that socket's start and is not replayed to it, so wait for
        # the second socket's tunnel, not merely for a socket.
        wait_for(
            lambda: (
                process.poll() is not None
                or (
                    redirect.tunnels.count("slack.com:80") >= 2
                    and socket_count(live_server, bot.user_id) > 0
                )
            ),
            timeout=30,
            what="slackbot to open its second RTM socket",
        )
        assert process.poll() is None, (tmp_path / "bot.log").read_text()
        assert "slack.com:443" in redirect.tunnels and "slack.com:80" in redirect.tunnels

        watcher = websocket.create_connection(owner.rtm_connect()["url"], timeout=20)
        asked = owner.chat_postMessage(channel=channel, text=f"<@{bot.user_id}> ping hello")
        delivered = next_message_from(watcher, bot.user_id)
        watcher.close()
        # slackbot's `reply` addresses the asker; posted over RTM as the bot user.
        expected = f"<@{team.owner.user_id}>: pong hello"
        assert (delivered["channel"], delivered["text"]) == (channel, expected)
        assert delivered["bot_id"]
        stored = owner.conversations_history(channel=channel, oldest=asked["ts"])["messages"]
        assert [(m["ts"], m["user"], m["text"]) for m in stored] == [
            (delivered["ts"], bot.user_id, expected)
        ]
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()
