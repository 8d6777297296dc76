"""Publishing configuration: ``[tool.opendata]`` in ``pyproject.toml`` or an ``opendata.toml``.

The configuration says who publishes and under which terms (publisher, licence), where the
linked data lives (base IRI) and in which language titles are given first. Every key is
documented in the README section "Configuration"; command-line options override the file.

Discovery: starting from the working directory and walking up, the first directory holding an
``opendata.toml`` or a ``pyproject.toml`` decides. In that directory ``opendata.toml`` wins over
``pyproject.toml``; a ``pyproject.toml`` without ``[tool.opendata]`` means the defaults.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path

from .errors import ConfigError

DEFAULT_BASE_IRI = "https://opendata.example.org"

_KEYS = {
    "base-iri": "base_iri",
    "publisher-name": "publisher_name",
    "publisher-iri": "publisher_iri",
    "licence": "licence",
    "licence-iri": "licence_iri",
    "licence-title": "licence_title",
    "language": "language",
    "catalog-title": "catalog_title",
    "download-url": "download_url",
}
_LANGUAGES = ("zh", "en")
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^\s<>\"{}|\\^`]+$")


@dataclass(frozen=True, slots=True)
class Config:
    """The effective configuration of a build (file values, then command-line overrides)."""

    base_iri: str = DEFAULT_BASE_IRI
    publisher_name: str | None = None
    publisher_iri: str | None = None
    licence: str | None = None  # a short licence name, e.g. "CC-BY-4.0"
    licence_iri: str | None = None
    licence_title: str | None = None
    language: str = "zh"  # the language of the plain "title"/"description" of packages and fields
    catalog_title: str = "opendata catalogue of budget disclosures"
    download_url: str | None = None  # where the output directory is served, for dcat:downloadURL
    source: str | None = None  # the file the values came from (not part of the fingerprint)

    def with_overrides(self, **overrides: object) -> "Config":
        """A copy with the given keys replaced; ``None`` values mean "not given" and are ignored."""
        given = {key: value for key, value in overrides.items() if value is not None}
        return _checked(replace(self, **given))  # type: ignore[arg-type]

    def fingerprint(self) -> str:
        """SHA-256 of every key that changes the output (used by incremental builds)."""
        data = asdict(self)
        data.pop("source")
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def _checked(config: Config) -> Config:
    for name in ("base_iri", "publisher_iri", "licence_iri", "download_url"):
        value = getattr(config, name)
        if value is not None and not _IRI.match(value):
            raise ConfigError(f"{name.replace('_', '-')} must be an absolute IRI, got {value!r}")
    if config.base_iri.endswith(("/", "#")):
        config = replace(config, base_iri=config.base_iri.rstrip("/#"))  # IRI templates add the "/"
    if config.download_url is not None and not config.download_url.endswith("/"):
        raise ConfigError(f"download-url must end with '/', got {config.download_url!r}")
    if config.language not in _LANGUAGES:
        raise ConfigError(f"language must be one of {', '.join(_LANGUAGES)}, got {config.language!r}")
    return config


def from_mapping(data: dict[str, object], source: str | None = None) -> Config:
    """A ``Config`` from the keys of a ``[tool.opendata]`` table; unknown keys are an error."""
    values: dict[str, object] = {}
    for key, value in data.items():
        if key not in _KEYS:
            known = ", ".join(sorted(_KEYS))
            raise ConfigError(f"{source or 'configuration'}: unknown key {key!r} (known keys: {known})")
        if not isinstance(value, str):
            raise ConfigError(f"{source or 'configuration'}: {key} must be a string, got {value!r}")
        values[_KEYS[key]] = value
    return _checked(Config(source=source, **values))  # type: ignore[arg-type]


def load_file(path: Path) -> Config:
    """Read ``opendata.toml`` (top-level keys or a ``[tool.opendata]`` table) or ``pyproject.toml``."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"configuration file {path} does not exist") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None
    table = data.get("tool", {}).get("opendata")
    if table is None:
        table = {} if path.name == "pyproject.toml" else {k: v for k, v in data.items() if k != "tool"}
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.opendata] must be a table")
    return from_mapping(table, str(path))


def discover(start: Path | None = None) -> Config:
    """The configuration that applies in ``start`` (default: the working directory)."""
    here = (start or Path.cwd()).resolve()
    for directory in (here, *here.parents):
        for name in ("opendata.toml", "pyproject.toml"):
            candidate = directory / name
            if candidate.is_file():
                return load_file(candidate)
    return Config()


KEYS = tuple(_KEYS)  # the documented file keys, in README order
FIELD_NAMES = tuple(f.name for f in fields(Config))
