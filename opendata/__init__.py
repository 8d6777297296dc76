"""opendata: read Chinese budget disclosures into a typed model, check them, publish them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import Locator, OpendataError, UnreadableInput

if TYPE_CHECKING:
    from .model.disclosure import Disclosure

__version__ = "0.1.0"
__all__ = ["Disclosure", "Locator", "OpendataError", "UnreadableInput", "load", "sample_path", "__version__"]


def __getattr__(name: str) -> Any:
    """``opendata.Disclosure`` on first use: the model costs ~40 ms to import, which `opendata query`
    (and anything else that only needs the store) should not pay."""
    if name == "Disclosure":
        from .model.disclosure import Disclosure

        return Disclosure
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def sample_path() -> Path:
    """The bundled sample: the Hebei 香河县科学技术和工业信息化局 2024 budget (text extraction)."""
    return Path(__file__).resolve().parent / "samples" / "hebei-xianghe-kegongju-2024-budget.txt"


def load(path: str | Path, name: str | None = None) -> Disclosure:
    """Read and recognise one disclosure file. Raises ``UnreadableInput`` with a locator."""
    from .read import read_path
    from .recognise import recognise

    return recognise(read_path(path, name))
