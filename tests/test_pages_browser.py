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
        assert _pixel(target, 5, 5) == HEADER_BLUE, name
        print(f"screenshot: {target}")
