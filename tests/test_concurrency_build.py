"""Two real `opendata build` processes into one DIR at once: the second waits for the lock (or, with
a short --lock-timeout, stops with exit 2 and a message saying why); nothing is corrupted, and a
`--check` afterwards finds DIR up to date."""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

import pytest

from test_crash_build import TIME_BOUND, command, files, run, start, subtree, variants


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("concurrent")
    return {"a": variants(root / "a", ["305", "306"]), "b": variants(root / "b", ["405"])}


def wait_for_lock_holder(out: Path, process) -> None:
    """Until the build ``process`` holds the lock on ``out`` (a non-blocking flock of ours fails)."""
    deadline = time.monotonic() + TIME_BOUND
    while process.poll() is None and time.monotonic() < deadline:
        lock = out / ".opendata.lock"
        if lock.exists():
            with open(lock, "rb") as handle:
                try:
                    fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
                except BlockingIOError:
                    return
                fcntl.flock(handle, fcntl.LOCK_UN)
        time.sleep(0.005)
    pytest.fail("the first build never held the lock")


def finish(process) -> tuple[int, str]:
    try:
        _, stderr = process.communicate(timeout=TIME_BOUND)
    except Exception:
        process.kill()
        raise
    assert "Traceback" not in stderr, stderr
    return process.returncode, stderr


def test_two_builds_of_the_same_sources_at_once_both_finish_and_agree(sources: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = start(command(out, sources["a"], "--issued", "2025-01-01"))
    wait_for_lock_holder(out, first)
    second = start(command(out, sources["a"], "--issued", "2025-01-01", "--force"))
    assert finish(first)[0] == 0
    assert finish(second)[0] == 0
    expected = tmp_path / "expected"
    assert run(command(expected, sources["a"], "--no-fsync", "--issued", "2025-01-01")).returncode == 0
    assert files(out) == files(expected)
    assert not [e.name for e in os.scandir(out) if e.name.startswith((".tmp-", ".old-"))]
    check = run(command(out, sources["a"], "--check", "--issued", "2025-01-01"))
    assert check.returncode == 0, check.stderr


def test_a_second_build_with_no_patience_stops_with_a_clear_message(sources: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = start(command(out, sources["a"], "--issued", "2025-01-01"))
    wait_for_lock_holder(out, first)
    assert first.poll() is None, "the first build finished before the second could start; cannot test the lock"
    second = run(command(out, sources["a"], "--issued", "2025-01-01", "--lock-timeout", "0"))
    if first.poll() is None or second.returncode == 2:
        assert second.returncode == 2, second.stderr
        assert "another build holds" in second.stderr and str(out) in second.stderr
        assert second.stderr.count("\n") == 1
    assert finish(first)[0] == 0
    expected = tmp_path / "expected"
    assert run(command(expected, sources["a"], "--no-fsync", "--issued", "2025-01-01")).returncode == 0
    assert files(out) == files(expected)


def test_builds_of_different_sources_at_once_are_serialised(sources: dict[str, Path], tmp_path: Path) -> None:
    """Both sets of packages end up whole; the catalogue is that of the build that finished last."""
    out = tmp_path / "out"
    first = start(command(out, sources["a"], "--issued", "2025-01-01"))
    wait_for_lock_holder(out, first)
    second = start(command(out, sources["b"], "--issued", "2025-01-01"))
    assert finish(first)[0] == 0
    assert finish(second)[0] == 0
    current = files(out)
    for name in ("a", "b"):
        expected_root = tmp_path / f"expected-{name}"
        assert run(command(expected_root, sources[name], "--no-fsync", "--issued", "2025-01-01")).returncode == 0
        expected = files(expected_root)
        packages = {key.split("/")[0] for key in expected if "/" in key}
        for package in packages:
            assert subtree(current, package) == subtree(expected, package), f"{package} is not whole"
    assert current["catalog.ttl"] == expected["catalog.ttl"]  # b finished last: it waited for a
    assert not [e.name for e in os.scandir(out) if e.name.startswith((".tmp-", ".old-"))]


def test_a_check_during_a_build_waits_and_sees_a_whole_dir(sources: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run(command(out, sources["a"], "--no-fsync", "--issued", "2024-01-01")).returncode == 0
    builder = start(command(out, sources["a"], "--issued", "2025-01-01"))
    wait_for_lock_holder(out, builder)
    checker = run(command(out, sources["a"], "--check", "--issued", "2025-01-01"))
    assert finish(builder)[0] == 0
    # the check took the shared lock after the build released its exclusive one: DIR was whole and new
    assert checker.returncode == 0, checker.stderr
