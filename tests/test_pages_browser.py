"""The built pages in headless Chromium (Debian's ``chromium``, no network): the chart renders and
drills, the filters work, every link resolves, and screenshots are saved under the pytest tmp dir."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html
import pytest

import opendata

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="chromium is not installed (Debian: apt-get install chromium); the pages' browser test needs it",
)
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--hide-scrollbars",
)
HEADER_BLUE = (0x0B, 0x3D, 0x6E)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample built by ``opendata build``: package folder with index.html, and DIR/index.html."""
    from opendata.build import build

    out = tmp_path_factory.mktemp("site")
    result = build([opendata.sample_path()], out)
    assert [p.status for p in result.packages] == ["built"]
    return out


@pytest.fixture(scope="module")
def package_dir(site: Path) -> Path:
    (folder,) = [p for p in site.iterdir() if p.is_dir() and not p.name.startswith(".")]
    return folder


def _chromium(tmp: Path, url: str, *args: str) -> subprocess.CompletedProcess[bytes]:
    profile = tempfile.mkdtemp(dir=tmp, prefix="chromium-profile-")
    command = [str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", *args, url]
    done = subprocess.run(command, capture_output=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")[-2000:]
    return done


def _dom(tmp: Path, page: Path, fragment: str = "") -> lxml.html.HtmlElement:
    """The DOM after the page's scripts ran (``--dump-dom``)."""
    done = _chromium(tmp, page.as_uri() + fragment, "--dump-dom")
    return lxml.html.fromstring(done.stdout)


def _on_view(dom: lxml.html.HtmlElement, size: str = "wide") -> lxml.html.HtmlElement:
    views = dom.xpath(f'//svg[contains(@class,"tm-{size}")]//g[contains(concat(" ", @class, " "), " on ")]')
    assert len(views) == 1, "exactly one chart view is shown"
    return views[0]


def test_the_chart_renders_and_the_scripts_ran(tmp_path: Path, package_dir: Path) -> None:
    dom = _dom(tmp_path, package_dir / "index.html")
    assert dom.xpath('//div[@class="langs"]/@hidden') == [], "the language switch is shown by its script"
    view = _on_view(dom)
    assert view.get("data-view") == ""
    rects = view.xpath(".//rect")
    assert len(rects) >= 3 and all(float(r.get("width")) > 0 for r in rects)
    labels = view.xpath('.//*[contains(@class,"tm-node")]/@aria-label')
    assert any(label.startswith("206 科学技术支出") for label in labels)
    assert [a.text_content() for a in dom.xpath('//ol[@id="tm-path"]//a')] == ["全部 All"]
    assert "5,531.14" in dom.xpath('string(//*[@id="tm-status"])')


def test_the_chart_drills_from_class_to_item(tmp_path: Path, package_dir: Path) -> None:
    dom = _dom(tmp_path, package_dir / "index.html", "#tm=206")
    view = _on_view(dom)
    assert view.get("data-view") == "206"
    codes = sorted(label.split()[0] for label in view.xpath('.//*[contains(@class,"tm-node")]/@aria-label'))
    assert codes == ["20601", "20604", "20605", "20699"]
    assert [a.text_content() for a in dom.xpath('//ol[@id="tm-path"]//a')] == ["全部 All", "206 科学技术支出"]
    assert _on_view(dom, "tall").get("data-view") == "206", "the phone layout follows"

    dom = _dom(tmp_path, package_dir / "index.html", "#tm=20604")
    view = _on_view(dom)
    codes = sorted(label.split()[0] for label in view.xpath('.//*[contains(@class,"tm-node")]/@aria-label'))
    assert codes == ["2060404", "2060499"]
    crumbs = dom.xpath('//ol[@id="tm-path"]//a')
    assert [a.get("href") for a in crumbs] == ["#tm=", "#tm=206", "#tm=20604"]
    assert crumbs[-1].get("aria-current") == "location"


def _check_links(dom: lxml.html.HtmlElement, page: Path) -> list[Path]:
    ids = set(dom.xpath("//@id"))
    targets = []
    for href in dom.xpath("//a/@href | //link/@href"):
        parts = urlsplit(href)
        assert not parts.scheme and not parts.netloc, f"{page.name}: external link {href}"
        if not parts.path:
            assert parts.fragment.startswith("tm=") or parts.fragment in ids, f"{page.name}: no #{parts.fragment}"
            continue
        target = (page.parent / unquote(parts.path)).resolve()
        assert target.is_file(), f"{page.name}: {href} does not resolve"
        targets.append(target)
    return targets


def test_every_link_resolves(tmp_path: Path, site: Path, package_dir: Path) -> None:
    page = package_dir / "index.html"
    targets = _check_links(_dom(tmp_path, page), page)
    files = {p.resolve() for p in package_dir.iterdir() if p.is_file() and p.name != "index.html"}
    assert files <= set(targets), "every file of the package has a download link"
    assert (site / "index.html").resolve() in targets
    catalog = site / "index.html"
    assert page.resolve() in _check_links(_dom(tmp_path, catalog), catalog)


def test_the_catalog_filters(tmp_path: Path, site: Path) -> None:
    catalog = site / "index.html"
    dom = _dom(tmp_path, catalog)
    assert dom.xpath('//form[@id="filters"]/@hidden') == [], "the filters are shown by the script"
    assert dom.xpath('string(//*[@id="shown-count"])') == "1"
    assert dom.xpath('string(//*[@id="total-expenditure"])') == "5,531.14"

    dom = _dom(tmp_path, catalog, "#dept=没有这个部门")
    assert dom.xpath('string(//*[@id="shown-count"])') == "0"
    assert dom.xpath('//table[@id="packages"]/tbody/tr/@hidden') == [""]
    assert dom.xpath('string(//*[@id="total-expenditure"])') == "—"

    dom = _dom(tmp_path, catalog, "#year=2024&region=d:131024&dept=科学技术")
    assert dom.xpath('string(//*[@id="shown-count"])') == "1"
    assert dom.xpath('string(//*[@id="total-basic"])') == "1,722.65"


def _pixel(path: Path, x: int, y: int) -> tuple[int, int, int]:
    from PIL import Image  # Pillow comes with pdfplumber

    with Image.open(path) as image:
        return image.convert("RGB").getpixel((x, y))


def test_screenshots(tmp_path: Path, site: Path, package_dir: Path) -> None:
    shots = {
        "package-desktop.png": (package_dir / "index.html", "", "1280,2400"),
        "package-phone.png": (package_dir / "index.html", "#tm=206", "390,1800"),
        "catalog.png": (site / "index.html", "", "1280,900"),
    }
    for name, (page, fragment, size) in shots.items():
        target = tmp_path / name
        _chromium(tmp_path, page.as_uri() + fragment, f"--screenshot={target}", f"--window-size={size}")
        assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        # The inline style applied: the header band is the page's dark blue.
        pixel = _pixel(target, 5, 5)
        assert all(abs(a - b) <= 3 for a, b in zip(pixel, HEADER_BLUE)), (name, pixel)
        print(f"screenshot: {target}")


class DevTools:
    """A minimal Chrome DevTools Protocol client over ``--remote-debugging-pipe`` (fds 3 and 4)."""

    def __init__(self, tmp: Path) -> None:
        import os

        profile = tempfile.mkdtemp(dir=tmp, prefix="chromium-profile-")
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()

        def wire() -> None:  # in the child: the pipe ends become fds 3 (commands) and 4 (replies)
            import fcntl

            # Move both ends above 4 first, so neither is overwritten or left close-on-exec.
            high_r = fcntl.fcntl(to_chrome_r, fcntl.F_DUPFD, 10)
            high_w = fcntl.fcntl(from_chrome_w, fcntl.F_DUPFD, 10)
            os.dup2(high_r, 3)
            os.dup2(high_w, 4)

        self.process = subprocess.Popen(
            [str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", "--remote-debugging-pipe", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=wire, close_fds=False,
        )
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buffer = b""
        self._next = 0
        self.events: list[dict] = []
        targets = self.send("Target.getTargets")["targetInfos"]
        page = next(t for t in targets if t["type"] == "page")
        self.session = self.send("Target.attachToTarget", targetId=page["targetId"], flatten=True)["sessionId"]
        self.send("Page.enable", session=True)
        self.send("Runtime.enable", session=True)

    def _read(self, deadline: float) -> dict:
        import json
        import os
        import select
        import time

        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            assert left > 0, "chromium did not answer"
            ready, _, _ = select.select([self._from_chrome], [], [], left)
            if ready:
                chunk = os.read(self._from_chrome, 65536)
                assert chunk, "chromium closed the pipe"
                self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method: str, session: bool = False, **params: object) -> dict:
        import json
        import os
        import time

        self._next += 1
        message: dict = {"id": self._next, "method": method, "params": params}
        if session:
            message["sessionId"] = self.session
        os.write(self._to_chrome, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + 60
        while True:
            reply = self._read(deadline)
            if reply.get("id") == self._next:
                assert "error" not in reply, reply["error"]
                return reply.get("result", {})
            self.events.append(reply)

    def wait_event(self, method: str) -> dict:
        import time

        deadline = time.monotonic() + 60
        while True:
            for index, event in enumerate(self.events):
                if event.get("method") == method:
                    return self.events.pop(index)
            self.events.append(self._read(deadline))

    def open(self, url: str) -> None:
        self.events.clear()
        self.send("Page.navigate", session=True, url=url)
        self.wait_event("Page.loadEventFired")

    def js(self, expression: str) -> object:
        result = self.send("Runtime.evaluate", session=True, expression=expression, returnByValue=True)
        assert "exceptionDetails" not in result, result
        return result["result"].get("value")

    def until(self, expression: str, expected: object) -> object:
        """Evaluate until the value is ``expected`` (events run asynchronously); the last value."""
        import time

        deadline = time.monotonic() + 30
        value = self.js(expression)
        while value != expected and time.monotonic() < deadline:
            time.sleep(0.05)
            value = self.js(expression)
        return value

    def key(self, key: str) -> None:
        codes = {"Tab": 9, "Enter": 13, "Escape": 27}
        text = {"Enter": "\r"}.get(key)
        down = {"type": "keyDown" if text else "rawKeyDown", "key": key, "code": key,
                "windowsVirtualKeyCode": codes[key]}
        if text:
            down["text"] = text
        self.send("Input.dispatchKeyEvent", session=True, **down)
        self.send("Input.dispatchKeyEvent", session=True, type="keyUp", key=key, code=key,
                  windowsVirtualKeyCode=codes[key])

    def close(self) -> None:
        import os

        self.process.kill()
        self.process.wait(timeout=30)
        os.close(self._to_chrome)
        os.close(self._from_chrome)


@pytest.fixture()
def browser(tmp_path: Path):
    devtools = DevTools(tmp_path)
    try:
        yield devtools
    finally:
        devtools.close()


def test_the_chart_is_usable_with_the_keyboard(browser: DevTools, package_dir: Path) -> None:
    browser.open((package_dir / "index.html").as_uri())
    browser.send("Emulation.setDeviceMetricsOverride", session=True, width=1280, height=900,
                 deviceScaleFactor=1, mobile=False)
    browser.js("document.querySelector('#tm-path a').focus()")
    browser.key("Tab")
    assert browser.js("document.activeElement.getAttribute('href')") == "#tm=206", "Tab reaches the chart"
    browser.key("Enter")
    assert browser.until("document.getElementById('tm').dataset.current", "206") == "206"
    assert browser.until("document.activeElement.getAttribute('href')", "#tm=20601") == "#tm=20601", \
        "focus moves into the level that opened"
    browser.key("Enter")
    assert browser.until("document.getElementById('tm').dataset.current", "20601") == "20601"
    label = browser.until("(document.activeElement.getAttribute('aria-label') || '').split(' ')[0]", "2060101")
    assert label == "2060101", "at the last level focus is on an item, which reads its amount"
    browser.key("Escape")
    assert browser.until("document.getElementById('tm').dataset.current", "206") == "206"
    browser.key("Escape")
    assert browser.until("document.getElementById('tm').dataset.current", "") == ""


def test_the_language_switch(browser: DevTools, package_dir: Path) -> None:
    url = (package_dir / "index.html").as_uri()
    browser.open(url)
    assert browser.js("document.documentElement.getAttribute('data-lang')") is None  # both languages
    browser.js("document.querySelector('[data-set-lang=en]').focus()")
    browser.key("Enter")
    assert browser.until("document.documentElement.getAttribute('data-lang')", "en") == "en"
    assert browser.js("getComputedStyle(document.querySelector('#totals-h .zh')).display") == "none"
    assert browser.js("document.querySelector('[data-set-lang=en]').getAttribute('aria-pressed')") == "true"
    browser.open(url)  # the choice is remembered
    assert browser.js("document.documentElement.getAttribute('data-lang')") == "en"
    browser.open(url + "?lang=zh")
    assert browser.js("getComputedStyle(document.querySelector('#totals-h .en')).display") == "none"
