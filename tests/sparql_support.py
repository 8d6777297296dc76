"""Shared helpers of the SPARQL tests (test_store*, test_query*, test_publish*): build directories with
several departments, and a real oxigraph server on a free port of 127.0.0.1.

The second department derived from the Hebei sample is a test fixture, clearly marked as such
(department code 999, name “（测试）…”), and is only ever written into temporary directories.
"""

from __future__ import annotations

import dataclasses
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import opendata
from opendata.build import BuildOptions, build, render_package
from opendata.model.disclosure import Department
from opendata.serve import command

SAMPLE_DEPARTMENT = "香河县科学技术和工业信息化局"
DERIVED_DEPARTMENT = "（测试）派生自香河县科学技术和工业信息化局的测试部门"
DERIVED_CODE = "999"
SCIENCE_YUAN = "40621600"  # 206 科学技术支出 in the sample: 4062.16 万元


def derived_disclosure() -> opendata.Disclosure:
    """The sample under another department (code 999, a name that says it is a test)."""
    sample = opendata.load(opendata.sample_path())
    return dataclasses.replace(sample, department=Department(name=DERIVED_DEPARTMENT, code=DERIVED_CODE))


def write_derived(out: Path) -> Path:
    """Write the derived department's package into ``out`` (a temporary directory)."""
    disclosure, files, _errors, _warnings = render_package(derived_disclosure(), BuildOptions(fsync=False))
    folder = out / disclosure.slug
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


def build_packages(out: Path, sources: list[Path]) -> Path:
    """Build real sources into ``out`` and add the derived test department."""
    result = build(sources, out, BuildOptions(fsync=False))
    assert not result.unreadable, result.unreadable
    write_derived(out)
    return out


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_up(base: str, process: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(base + "/query?query=ASK%7B%7D", timeout=2) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.1)
    raise RuntimeError(f"the server at {base} did not answer within {timeout} s")


class OxigraphServer:
    """A real oxigraph server (in memory, read-write) on a free port of 127.0.0.1."""

    def __init__(self) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(command(None, "127.0.0.1", self.port), stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        wait_until_up(self.base, self.process)

    @property
    def query_url(self) -> str:
        return self.base + "/query"

    @property
    def store_url(self) -> str:
        return self.base + "/store"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
