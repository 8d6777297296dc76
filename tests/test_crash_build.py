"""Crash safety of `opendata build`: real build processes killed with SIGKILL at many points.

After every kill each package folder is exactly the previous build's or the new build's (never a
mix), the catalogue and the manifest are whole files of one build or the other, and the next
build, incremental as a release script would run it, succeeds and gives the same bytes as a
clean build. A killed parallel build must not leave processes behind that keep DIR locked.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import opendata

SAMPLE = opendata.sample_path()
TIME_BOUND = 300


def variants(folder: Path, codes: list[str]) -> Path:
    """The sample under other department codes: packages of the same shape, in one source folder."""
    folder.mkdir(parents=True, exist_ok=True)
    text = SAMPLE.read_text(encoding="utf-8")
    for code in codes:
        (folder / f"dept-{code}.txt").write_text(text.replace("\n304 香河县", f"\n{code} 香河县"), encoding="utf-8")
    return folder


def files(root: Path) -> dict[str, str]:
    """SHA-256 of every file under ``root`` (relative paths) but the lock and the manifest records (which
    hold modification times); those are checked on their own."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name not in (".opendata.lock", ".opendata-manifest.json")
        and ".opendata-manifest" not in p.relative_to(root).parts
    }


def subtree(tree: dict[str, str], folder: str) -> dict[str, str]:
    return {k: v for k, v in tree.items() if k.startswith(folder + "/")}


def command(out: Path, source: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "opendata", "build", "-q", "--allow-errors", "--out", str(out), *extra, str(source)]


def run(args: list[str]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    try:
        result = subprocess.run(args, capture_output=True, text=True, timeout=TIME_BOUND, env=env)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{' '.join(args)} did not finish within {TIME_BOUND} s")
    assert "Traceback" not in result.stderr, result.stderr
    return result


def start(args: list[str]) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)


def children(pid: int) -> list[int]:
    """The live child processes of ``pid`` (from /proc)."""
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def check_whole(out: Path, old: dict[str, str], new: dict[str, str], packages: list[str]) -> None:
    """Every package folder and every top-level file of ``out`` is whole: the old build's or the new one's."""
    current = files(out)
    for package in packages:
        folder = subtree(current, package)
        assert folder in (subtree(old, package), subtree(new, package)), f"{package} is a mix of two builds"
    for name in ("catalog.ttl", "catalog.jsonld", "index.html"):
        if name in current:
            assert current[name] in (old.get(name), new.get(name)), f"{name} is neither the old nor the new file"
    for record in [out / ".opendata-manifest.json", *(out / ".opendata-manifest").glob("*.json")]:
        if record.exists():  # a record of the incremental build is whole JSON, or absent
            json.loads(record.read_text(encoding="utf-8"))
    for name in current:
        top = name.split("/")[0]
        assert top in packages or top in old or top in new or top.startswith((".tmp-", ".old-")), f"stray {name}"


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The sources, their package names and how long one build takes here."""
    root = tmp_path_factory.mktemp("crash")
    source = variants(root / "src", ["305", "306", "307"])
    started = time.monotonic()
    assert run(command(root / "timed", source, "--issued", "2025-01-01")).returncode == 0
    duration = time.monotonic() - started
    packages = sorted(e.name for e in os.scandir(root / "timed") if e.is_dir() and not e.name.startswith("."))
    assert len(packages) == 3
    return {"root": root, "source": source, "packages": packages, "duration": duration}


def clean_build(out: Path, source: Path, issued: str) -> dict[str, str]:
    """The tree a clean build gives now (the code under test may be edited between test runs)."""
    assert run(command(out, source, "--no-fsync", "--issued", issued)).returncode == 0
    return files(out)


@pytest.mark.parametrize("fraction", [0.05, 0.3, 0.55, 0.8, 0.95])
def test_sigkill_at_any_point_leaves_whole_packages_and_the_next_build_completes(builds: dict, fraction: float,
                                                                                  tmp_path: Path) -> None:
    out = tmp_path / "out"
    old = clean_build(out, builds["source"], "2024-01-01")
    process = start(command(out, builds["source"], "--issued", "2025-01-01"))
    time.sleep(builds["duration"] * fraction)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=TIME_BOUND)
    new = clean_build(tmp_path / "expected", builds["source"], "2025-01-01")
    for package in builds["packages"]:
        assert subtree(old, package) != subtree(new, package)
    check_whole(out, old, new, builds["packages"])
    # the release script simply runs the build again (incremental: it must notice what is stale)
    again = run(command(out, builds["source"], "--issued", "2025-01-01"))
    assert again.returncode == 0, again.stderr
    assert files(out) == new
    assert not [e.name for e in os.scandir(out) if e.name.startswith((".tmp-", ".old-"))]


def test_sigkill_while_the_first_build_creates_dir(builds: dict, tmp_path: Path) -> None:
    """A first build killed early leaves nothing half-made that a later build would trust."""
    out = tmp_path / "fresh"
    new = clean_build(tmp_path / "expected", builds["source"], "2025-01-01")
    for fraction in (0.1, 0.4, 0.7):
        process = start(command(out, builds["source"], "--issued", "2025-01-01"))
        time.sleep(builds["duration"] * fraction)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=TIME_BOUND)
        if out.exists():
            current = files(out)
            for package in builds["packages"]:
                folder = subtree(current, package)
                assert folder in ({}, subtree(new, package)), f"{package} is half-written"
    assert run(command(out, builds["source"], "--issued", "2025-01-01")).returncode == 0
    assert files(out) == new


def test_sigkill_of_a_parallel_build_frees_the_lock(builds: dict, tmp_path: Path) -> None:
    """Killing `opendata build -j 2` must not leave workers that keep DIR locked (or run on)."""
    out = tmp_path / "out"
    process = start(command(out, builds["source"], "-j", "2", "--no-fsync", "--issued", "2025-01-01"))
    workers: list[int] = []
    deadline = time.monotonic() + TIME_BOUND
    while process.poll() is None and time.monotonic() < deadline and len(workers) < 2:
        workers = children(process.pid)
        time.sleep(0.01)
    assert workers, "the parallel build started no worker processes"
    time.sleep(0.3)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=TIME_BOUND)
    try:
        deadline = time.monotonic() + 10
        while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        survivors = [pid for pid in workers if alive(pid)]
        next_build = run(command(out, builds["source"], "--no-fsync", "--lock-timeout", "5",
                                 "--issued", "2025-01-01"))
        assert next_build.returncode == 0, f"{next_build.stderr} (surviving workers: {survivors})"
        assert not survivors, f"workers {survivors} outlived the killed build"
    finally:
        for pid in workers:  # the workers this test's build started
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
