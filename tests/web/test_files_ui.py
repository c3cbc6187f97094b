"""End to end: files and attachments in the web client.

Two people in two browser contexts: uploads through the paperclip (a real file chooser) and
by dropping files on the conversation (a DataTransfer drop event), progress to the end, the
image's server-made thumbnail inline for the other person live, the lightbox, a PDF card
with its size, the conversation's files pane, a deleted file's tombstone, and a message
with legacy attachments whose `javascript:` link never becomes a link.
"""

from __future__ import annotations

import base64
import dataclasses
import io
import math
import re
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from parley.platform.settings import Settings
from tests.web.conftest import Person, Web


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # Card images load through Parley's /unfurl/image proxy, which fetches them with the
    # SSRF guard; the test's image site is on loopback, which only this setting allows.
    return dataclasses.replace(settings, outbound_allow_private=True)


@pytest.fixture
def image_site() -> Iterator[str]:
    """A stand-in for a linked site on the internet: serves one PNG icon on loopback."""
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (75, 59, 214)).save(buffer, format="PNG")
    body = buffer.getvalue()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _png(path: Path, size: tuple[int, int], hue: int) -> Path:
    """A picture worth looking at in a screenshot: a gradient with a few shapes."""
    width, height = size
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        shade = int(255 * y / height)
        colour = ((hue + shade // 3) % 256, 90 + shade // 3, 200 - shade // 2)
        draw.line([(0, y), (width, y)], fill=colour)
    draw.ellipse([width * 0.1, height * 0.2, width * 0.45, height * 0.75], fill=(250, 210, 70))
    draw.rectangle([width * 0.55, height * 0.35, width * 0.9, height * 0.85], fill=(240, 240, 250))
    roof = [(0.55, 0.35), (0.725, 0.12), (0.9, 0.35)]
    draw.polygon([(width * x, height * y) for x, y in roof], fill=(220, 70, 90))
    image.save(path, format="PNG")
    return path


def _pdf(path: Path) -> Path:
    """A one-page PDF (Pillow writes the page as an image)."""
    page = Image.new("RGB", (612, 792), (255, 255, 255))
    draw = ImageDraw.Draw(page)
    draw.rectangle([60, 60, 552, 140], fill=(75, 59, 214))
    for n in range(12):
        top = 180 + n * 40
        draw.rectangle([60, top, 140 + (n * 37) % 420, top + 16], fill=(190, 190, 205))
    page.save(path, format="PDF")
    return path


def _webm(path: Path) -> Path:
    """A one-second VP8 clip (PyAV, which the server uses for posters, writes it)."""
    import av

    with av.open(str(path), "w", format="webm") as container:
        stream = container.add_stream("libvpx", rate=10)
        stream.width, stream.height, stream.pix_fmt = 320, 180, "yuv420p"
        for n in range(10):
            frame = Image.new("RGB", (320, 180), (40 + n * 20, 90, 200 - n * 10))
            ImageDraw.Draw(frame).ellipse([20 + n * 25, 50, 100 + n * 25, 130], fill=(250, 210, 70))
            video_frame = av.VideoFrame.from_image(frame)  # type: ignore[no-untyped-call]
            for packet in stream.encode(video_frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def _human_size(size: int) -> str:
    """The client's humanSize (lib/files.ts)."""
    if size < 1024:
        return f"{size} B"
    value = size / 1024
    units = ["KB", "MB", "GB"]
    unit = 0
    while value >= 1024 and unit < len(units) - 1:
        value /= 1024
        unit += 1
    shown = math.floor(value * 10 + 0.5) / 10 if value < 10 else math.floor(value + 0.5)
    text = f"{shown:g}" if isinstance(shown, float) else str(shown)
    return f"{text} {units[unit]}"


def _channel_id(person: Person, name: str) -> str:
    body = person.api("users.conversations", types="public_channel")
    return str(next(c["id"] for c in body["channels"] if c["name"] == name))


def _drop_files(person: Person, selector: str, files: list[Path], mimetype: str) -> None:
    """Drag files over `selector` (the overlay shows), then drop them there."""
    page = person.page
    payload = [[f.name, base64.b64encode(f.read_bytes()).decode(), mimetype] for f in files]
    data = page.evaluate_handle(
        """(files) => {
            const dt = new DataTransfer();
            for (const [name, b64, type] of files) {
                const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
                dt.items.add(new File([bytes], name, { type }));
            }
            return dt;
        }""",
        payload,
    )
    page.dispatch_event(selector, "dragenter", {"dataTransfer": data})
    page.dispatch_event(selector, "dragover", {"dataTransfer": data})
    expect(page.locator(f"{selector} .drop-overlay")).to_be_visible()
    person.screenshot("files-02-drop-overlay")
    page.dispatch_event(selector, "drop", {"dataTransfer": data})
    expect(page.locator(f"{selector} .drop-overlay")).to_have_count(0)


def _set_theme(person: Person, theme: str) -> None:
    page = person.page
    target = "Use dark theme" if theme == "dark" else "Use light theme"
    button = page.get_by_role("button", name=target)
    if button.count():
        button.click()
    expect(page.locator(f"html[data-theme={theme}]")).to_have_count(1)


def _uploads_ready(person: Person, count: int) -> Any:
    tray = person.page.locator(".message-pane .upload-list")
    expect(tray.locator("li.upload")).to_have_count(count)
    for bar in tray.get_by_role("progressbar").all():
        expect(bar).to_have_attribute("aria-valuenow", "100")
    expect(tray.locator("li.upload-uploaded")).to_have_count(count)
    return tray


def test_upload_show_and_list_files(web: Web, tmp_path: Path) -> None:
    alice = web.person("Alice Archer")
    bob = web.person("Bob Baker", viewport={"width": 1280, "height": 1000})
    web.sign_up(alice)
    web.join_by_invite(alice, bob)
    photo = _png(tmp_path / "harbour.png", (960, 640), 30)
    report = _pdf(tmp_path / "quarterly-report.pdf")
    sketch = _png(tmp_path / "sketch.png", (640, 800), 140)

    # The paperclip opens the file chooser; both files upload at once, each with progress.
    with alice.page.expect_file_chooser() as chooser:
        alice.page.locator(".message-pane").get_by_role("button", name="Attach files").click()
    chooser.value.set_files([str(photo), str(report)])
    tray = _uploads_ready(alice, 2)
    expect(tray).to_contain_text("harbour.png")
    expect(tray).to_contain_text("quarterly-report.pdf")
    alice.composer("Message #general").fill("Photos from the *harbour* and the report")
    alice.screenshot("files-01-staged-uploads")
    alice.composer("Message #general").press("Enter")
    expect(alice.page.locator(".message-pane .upload-list")).to_have_count(0)

    # Bob sees the message live: the image inline (the server's thumbnail once the preview
    # worker made it) and the PDF as a card with its type and size.
    shared = bob.message("Photos from the harbour")
    expect(shared.locator("strong")).to_have_text("harbour")
    image = shared.locator("img.file-image")
    expect(image).to_be_visible()
    expect(image).to_have_attribute("src", re.compile(r"^/files-tmb/T\w+-F\w+-\d+/harbour\.png$"))
    expect(image).to_have_js_property("complete", True)
    assert image.evaluate("img => img.naturalWidth") > 0
    card = shared.locator(".file-card")
    expect(card).to_contain_text("quarterly-report.pdf")
    expect(card).to_contain_text(f"PDF · {_human_size(report.stat().st_size)}")
    # The PDF's first page, rendered by the server, tops the card.
    expect(shared.locator(".file-doc-page img")).to_have_attribute(
        "src", re.compile(r"^/files-tmb/T\w+-F\w+-pdf/")
    )
    download = card.get_by_role("link", name="Download quarterly-report.pdf")
    bob.screenshot("files-03-shared-light")
    expect(download).to_have_attribute("href", re.compile(r"^/files-pri/T\w+-F\w+/download/"))

    # The lightbox: full size on click, Esc closes it.
    image.click()
    lightbox = bob.page.get_by_role("dialog", name="harbour.png")
    expect(lightbox.locator("img")).to_have_attribute("src", re.compile(r"^/files-pri/"))
    expect(lightbox.locator("img")).to_have_js_property("complete", True)
    bob.screenshot("files-05-lightbox")
    bob.page.keyboard.press("Escape")
    expect(lightbox).to_have_count(0)

    # Drag and drop onto Bob's conversation stages the file in his composer. files.list
    # orders by Slack's `created`, whole seconds: the sketch must come a second later to be
    # unambiguously the newest (files of the same second order by id).
    time.sleep(1.1)
    _drop_files(bob, ".message-pane", [sketch], "image/png")
    _uploads_ready(bob, 1)
    bob.composer("Message #general").press("Enter")
    dropped = alice.page.locator(".message-pane img.file-image[alt='sketch.png']")
    expect(dropped).to_be_visible()
    expect(dropped).to_have_attribute("src", re.compile(r"^/files-tmb/"))

    for person in (alice, bob):
        _set_theme(person, "light")
    alice.page.locator(".message-pane .messages").evaluate("el => el.scrollTo(0, el.scrollHeight)")
    alice.screenshot("files-03-messages-light")
    _set_theme(alice, "dark")
    alice.screenshot("files-04-messages-dark")
    _set_theme(alice, "light")

    # The conversation's files, newest first, with who shared them and their sizes.
    alice.page.get_by_role("button", name="Files", exact=True).click()
    pane = alice.page.get_by_role("complementary", name="Files")
    rows = pane.locator("li.file-row")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("sketch.png")
    expect(rows.nth(0)).to_contain_text("Bob Baker")
    expect(rows.nth(0)).to_contain_text(_human_size(sketch.stat().st_size))
    expect(pane).to_contain_text("harbour.png")
    expect(pane.locator("li.file-row", has_text="quarterly-report.pdf")).to_contain_text(
        _human_size(report.stat().st_size)
    )
    link = pane.get_by_role("link", name="harbour.png", exact=True)
    expect(link).to_have_attribute("href", re.compile(r"^/files-pri/T\w+-F\w+/harbour\.png$"))
    alice.screenshot("files-06-files-pane")
    assert alice.axe_violations() == []
    _set_theme(alice, "dark")
    alice.screenshot("files-06-files-pane-dark")
    _set_theme(alice, "light")

    # Deleting a file leaves a tombstone in the message, for the other person live.
    file_id = re.search(r"-(F\w+)/", download.get_attribute("href") or "")
    assert file_id is not None
    assert alice.api("files.delete", file=file_id.group(1))["ok"] is True
    expect(shared.locator(".file-gone")).to_have_text("This file was deleted.")
    expect(shared.locator(".file-card")).to_have_count(0)
    expect(shared.locator("img.file-image")).to_be_visible()
    expect(pane.locator("li.file-row")).to_have_count(2)

    for person in (alice, bob):
        assert person.dialogs == []
        assert [e for e in person.console_errors if "Content Security Policy" in e] == []
        assert [e for e in person.console_errors if e.startswith("pageerror")] == []


def test_upload_errors_show_with_retry(web: Web, tmp_path: Path) -> None:
    alice = web.person("Alice Archer")
    web.sign_up(alice)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    notes = tmp_path / "notes.txt"
    notes.write_text("meeting notes\n")
    alice.page.locator(".message-pane input[type=file]").set_input_files([str(empty), str(notes)])
    tray = alice.page.locator(".message-pane .upload-list")
    failed = tray.locator("li.upload-failed")
    expect(failed).to_contain_text("Empty files cannot be uploaded.")
    expect(failed.get_by_role("button", name="Retry")).to_be_visible()
    expect(tray.locator("li.upload-uploaded")).to_contain_text("notes.txt")
    # Sending while a file failed keeps everything staged and says why.
    alice.composer("Message #general").press("Enter")
    expect(alice.page.locator(".message-pane .upload-tray [role=alert]").last).to_contain_text(
        "Remove or retry"
    )
    alice.screenshot("files-08-upload-error")
    failed.get_by_role("button", name="Remove empty.txt").click()
    alice.composer("Message #general").press("Enter")
    card = alice.message("notes.txt").locator(".file-card")
    expect(card).to_contain_text("Plain Text · 14 B")

    # In a thread: a pasted screenshot is staged under a readable name and shared as a reply.
    alice.message_action(alice.message("notes.txt"), "Reply in thread")
    thread = alice.page.get_by_role("complementary", name="Thread")
    reply = alice.composer("Reply in thread")
    reply.fill("the whiteboard")
    shot = _png(tmp_path / "shot.png", (320, 200), 200)
    reply.evaluate(
        """(box, b64) => {
            const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
            const dt = new DataTransfer();
            dt.items.add(new File([bytes], "image.png", { type: "image/png" }));
            const init = { clipboardData: dt, bubbles: true, cancelable: true };
            box.dispatchEvent(new ClipboardEvent("paste", init));
        }""",
        base64.b64encode(shot.read_bytes()).decode(),
    )
    staged = thread.locator("li.upload-uploaded")
    expect(staged).to_contain_text(re.compile(r"Pasted image \d{4}-\d\d-\d\d at [\d.]+\.png"))
    expect(reply).to_have_text("the whiteboard")  # the composer is rich text
    reply.press("Enter")
    in_thread = thread.locator("article.msg", has_text="the whiteboard")
    expect(in_thread.locator("img.file-image")).to_be_visible()
    summary = alice.message("notes.txt").get_by_role("button", name=re.compile("1 reply"))
    expect(summary).to_be_visible()


def test_attachments_render_as_safe_cards(web: Web, image_site: str) -> None:
    alice = web.person("Alice Archer")
    bob = web.person("Bob Baker")
    web.sign_up(alice)
    web.join_by_invite(alice, bob)
    channel = _channel_id(alice, "general")
    logo = f"{image_site}/logo.png"
    posted = alice.api(
        "chat.postMessage",
        channel=channel,
        text="Deploy finished",
        attachments=[
            {
                "fallback": "Deploy #42 succeeded",
                "color": "good",
                "pretext": "Nightly *deploy* report",
                "author_name": "CI bot",
                "author_link": "javascript:alert('author')",
                "title": "Deploy #42 succeeded",
                "title_link": "javascript:alert('xss')",
                "text": "All <https://status.example.com|checks> passed <b>bold?</b>",
                "fields": [
                    {"title": "Environment", "value": "production", "short": True},
                    {"title": "Duration", "value": "4m 12s", "short": True},
                    {"title": "Commit", "value": "Fix the flaky upload test", "short": False},
                ],
                "footer": "Parley CI",
                "ts": 1700000000,
            },
            {
                "from_url": "https://blog.example.com/posts/harbour",
                "original_url": "https://blog.example.com/posts/harbour",
                "service_name": "Example Blog",
                "service_icon": logo,
                "title": "A day at the harbour",
                "title_link": "https://blog.example.com/posts/harbour",
                "text": "Boats, gulls and a very good sandwich.",
                "thumb_url": logo,
                "color": "#4b3bd6",
                "id": 2,
            },
        ],
    )
    assert posted["ok"] is True, posted

    message = bob.message("Deploy finished")
    cards = message.locator(".att-card")
    expect(cards).to_have_count(2)
    first, unfurl = cards.nth(0), cards.nth(1)
    expect(first.locator(".att-title")).to_have_text("Deploy #42 succeeded")
    # The javascript: links stay plain text; nothing in the cards links anywhere but http(s).
    expect(first.locator(".att-title a")).to_have_count(0)
    expect(first.locator(".att-author a")).to_have_count(0)
    hrefs = message.locator(".atts a").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    assert hrefs and all(h.startswith(("https://", "http://")) for h in hrefs), hrefs
    expect(first).to_have_css("border-left-color", "rgb(46, 182, 125)")
    expect(first.locator(".att-fields dt")).to_have_text(["Environment", "Duration", "Commit"])
    expect(first.locator(".att-text")).to_contain_text("All checks passed <b>bold?</b>")
    expect(first.locator(".att-text a")).to_have_attribute("href", "https://status.example.com")
    expect(message.locator(".att-pretext strong")).to_have_text("deploy")
    expect(first.locator(".att-footer")).to_contain_text("Parley CI")
    # The unfurl card: service, linked title opening safely in a new tab, thumbnail.
    expect(unfurl.locator(".att-service")).to_contain_text("Example Blog")
    title = unfurl.get_by_role("link", name="A day at the harbour")
    expect(title).to_have_attribute("href", "https://blog.example.com/posts/harbour")
    expect(title).to_have_attribute("target", "_blank")
    expect(title).to_have_attribute("rel", "noopener noreferrer nofollow")
    # Remote images come through the same-origin proxy, never straight from the site.
    expect(unfurl.locator("img.att-thumb")).to_be_visible()
    thumb_src = unfurl.locator("img.att-thumb").get_attribute("src") or ""
    assert thumb_src.startswith("/unfurl/image?"), thumb_src
    expect(unfurl).to_have_css("border-left-color", "rgb(75, 59, 214)")
    # The server's own rendering of the attachments is not shown a second time.
    expect(message.locator(".msg-text .attachment")).to_have_count(0)
    expect(message.get_by_text("Boats, gulls and a very good sandwich.")).to_have_count(1)

    message.scroll_into_view_if_needed()
    _set_theme(bob, "light")
    bob.screenshot("files-07-attachments-light")
    _set_theme(bob, "dark")
    bob.screenshot("files-07-attachments-dark")
    assert bob.dialogs == []
    assert [e for e in bob.console_errors if "Content Security Policy" in e] == []


def test_video_plays_inline_with_its_poster(web: Web, tmp_path: Path) -> None:
    alice = web.person("Alice Archer")
    web.sign_up(alice)
    clip = _webm(tmp_path / "boats.webm")
    alice.page.locator(".message-pane input[type=file]").set_input_files([str(clip)])
    _uploads_ready(alice, 1)
    alice.composer("Message #general").fill("A short clip")
    alice.composer("Message #general").press("Enter")
    video = alice.message("A short clip").locator("video.file-video")
    expect(video).to_have_attribute("src", re.compile(r"^/files-pri/T\w+-F\w+/boats\.webm$"))
    expect(video).to_have_attribute("controls", "")
    # The poster is the frame the server's preview worker took (arrives with file_change).
    expect(video).to_have_attribute("poster", re.compile(r"^/files-tmb/T\w+-F\w+-video/"))
    alice.page.wait_for_function(
        "v => v.readyState >= 1 && v.duration > 0.5", arg=video.element_handle(), timeout=10_000
    )
    alice.screenshot("files-09-video")
    assert [e for e in alice.console_errors if "Content Security Policy" in e] == []
