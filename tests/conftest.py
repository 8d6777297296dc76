"""Shared test fixtures: the bundled sample, the corpus folder and the --update-golden switch."""

from __future__ import annotations

from pathlib import Path

import pytest

import opendata

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus"
GOLDEN = Path(__file__).resolve().parent / "golden"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite the golden files from the current output instead of comparing with them",
    )


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def sample_disclosure() -> opendata.Disclosure:
    return opendata.load(opendata.sample_path())


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The real documents in ../shared/corpus; tests that need them skip when it is absent."""
    if not CORPUS.is_dir():
        pytest.skip(f"the corpus folder {CORPUS} is absent (it sits beside the repository in CI)")
    return CORPUS


def check_golden(path: Path, actual: bytes, update: bool) -> None:
    """Compare ``actual`` with the golden file byte for byte, or rewrite it with --update-golden."""
    if update or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(actual)
        if not update:
            pytest.fail(f"golden file {path} was missing and has been written; review and commit it")
        return
    expected = path.read_bytes()
    if expected != actual:
        pytest.fail(f"output differs from golden file {path}; run pytest --update-golden to accept the change")
