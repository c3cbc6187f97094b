"""Browser tests: Playwright for Python driving Debian's Chromium against a live server.

No browser is ever downloaded: Chromium comes from `/usr/bin/chromium` (scripts/install
--dev installs it with apt-get). The server is the real `create_app` on a socket, serving
the built client from `src/parley/static/app` (built here once if missing).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import LiveServer

playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
APP_INDEX = ROOT / "src" / "parley" / "static" / "app" / "index.html"
AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
PASSWORD = "correct-horse-battery"

# The methods the browser tests exercise; each must exist on the server.
REQUIRED_METHODS = (
    "auth.signup",
    "users.conversations",
    "client.counts",
    "conversations.history",
    "conversations.replies",
    "conversations.create",
    "conversations.join",
    "conversations.mark",
    "chat.postMessage",
    "chat.update",
    "chat.delete",
    "reactions.add",
    "search.messages",
    "rtm.connect",
)


def _ensure_built() -> None:
    if APP_INDEX.is_file():
        return
    if shutil.which("npm") is None:
        pytest.skip("the web client is not built and npm is missing (run scripts/build-web)")
    subprocess.run(["bash", str(ROOT / "scripts" / "build-web")], check=True, timeout=600)


def _missing_methods(base_url: str) -> list[str]:
    """Methods the server answers with `unknown_method` (not built yet)."""
    missing = []
    for method in REQUIRED_METHODS:
        request = urllib.request.Request(f"{base_url}/api/{method}", data=b"", method="POST")
        with urllib.request.urlopen(request, timeout=10) as response:
            body = json.loads(response.read())
        if body.get("error") == "unknown_method":
            missing.append(method)
    return missing


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    # Module scope, not session: sync Playwright keeps an event loop running while it is
    # open, and the asyncio tests that run after this module need the thread's loop free.
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is missing (scripts/install --dev installs it)")
    _ensure_built()
    with playwright_api.sync_playwright() as p:
        instance = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield instance
        instance.close()


@pytest.fixture
def web(live_server: LiveServer, browser: Any) -> Iterator[Web]:
    missing = _missing_methods(live_server.url)
    if missing:
        pytest.fail(f"the web client calls methods the server lacks: {', '.join(missing)}")
    ARTIFACTS.mkdir(exist_ok=True)
    harness = Web(live_server.url, browser)
    yield harness
    harness.close()


@dataclass
class Person:
    """One browser context (one person) with what the page reported while it ran."""

    name: str
    context: Any
    page: Any
    base_url: str
    console_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def goto(self, path: str = "/") -> None:
        self.page.goto(self.base_url + path)

    def composer(self, label: str) -> Any:
        return self.page.get_by_role("textbox", name=label, exact=True)

    def send(self, label: str, text: str) -> None:
        box = self.composer(label)
        box.fill(text)
        box.press("Enter")

    def message(self, text: str, scope: str = ".message-pane") -> Any:
        return self.page.locator(f"{scope} article.msg", has_text=text)

    def message_action(self, message: Any, action: str) -> None:
        """Clicks a button of the message's hover toolbar. The toolbar shows on :hover, and a
        message just sent can still move under the pointer (its pending copy is replaced, the
        list scrolls to the end), so the pointer is moved onto it again until the button
        takes the click."""
        button = message.get_by_role("toolbar", name="Message actions").get_by_role(
            "button", name=action
        )
        for _ in range(4):
            message.hover()
            try:
                button.click(timeout=2_500)
                return
            except playwright_api.TimeoutError:
                continue
        message.hover()
        button.click()

    def open_channel(self, name: str) -> None:
        self.page.locator(".side-nav a.side-item", has_text=name).first.click()
        self.page.get_by_role("heading", level=1).filter(has_text=name).wait_for()

    def screenshot(self, name: str) -> None:
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"))

    def api(self, method: str, **args: Any) -> dict[str, Any]:
        """Calls the Web API as this person's browser session (cookie + CSRF header)."""
        body: dict[str, Any] = self.page.evaluate(
            """async ([method, args]) => {
                const csrf = document.cookie.split('; ').find(c => c.startsWith('parley_csrf='));
                const r = await fetch('/api/' + method, {
                    method: 'POST', credentials: 'same-origin',
                    headers: {'Content-Type': 'application/json',
                              'X-Parley-CSRF': csrf ? decodeURIComponent(csrf.slice(12)) : ''},
                    body: JSON.stringify(args)});
                return r.json();
            }""",
            [method, args],
        )
        return body

    def axe_violations(self) -> list[dict[str, Any]]:
        """Serious and critical axe-core findings on the current page."""
        if not AXE.is_file():
            pytest.skip("axe-core is not installed (npm ci in web/)")
        # Runtime evaluation is not subject to the page's CSP, unlike an injected <script>.
        self.page.evaluate(AXE.read_text() + "\n;true")
        result: dict[str, Any] = self.page.evaluate(
            "async () => await axe.run(document, {resultTypes: ['violations']})"
        )
        return [
            {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
            for v in result["violations"]
            if v.get("impact") in ("serious", "critical")
        ]


class Web:
    """Starts people (browser contexts) against the live server."""

    def __init__(self, base_url: str, browser: Any) -> None:
        self.base_url = base_url
        self.browser = browser
        self.people: list[Person] = []
        self.domain = f"t{int(time.time() * 1000) % 10**9}"

    def person(self, name: str, **context_options: Any) -> Person:
        options = {"viewport": {"width": 1280, "height": 800}, **context_options}
        context = self.browser.new_context(**options)
        context.set_default_timeout(10_000)
        page = context.new_page()
        person = Person(name, context, page, self.base_url)
        page.on(
            "console",
            lambda m: person.console_errors.append(m.text) if m.type == "error" else None,
        )
        page.on("pageerror", lambda e: person.console_errors.append(f"pageerror: {e}"))

        def on_dialog(dialog: Any) -> None:
            person.dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)
        self.people.append(person)
        return person

    def sign_up(self, person: Person, team: str = "Acme") -> None:
        person.goto("/signup")
        page = person.page
        page.get_by_label("Workspace name").fill(team)
        page.get_by_label("Workspace URL").fill(self.domain)
        page.get_by_label("Your name").fill(person.name)
        page.get_by_label("Email").fill(self.email(person))
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Create workspace").click()
        page.get_by_role("heading", level=1).filter(has_text="general").wait_for()

    def join_by_invite(self, inviter: Person, person: Person) -> None:
        url = inviter.api("admin.invites.create")["url"]
        person.page.goto(self.base_url + "/invite/" + url.rsplit("/", 1)[1])
        page = person.page
        page.get_by_label("Your name").fill(person.name)
        page.get_by_label("Email").fill(self.email(person))
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Join workspace").click()
        page.get_by_role("heading", level=1).filter(has_text="general").wait_for()

    def email(self, person: Person) -> str:
        return f"{person.name.split()[0].lower()}@{self.domain}.example"

    def close(self) -> None:
        for person in self.people:
            person.context.close()
