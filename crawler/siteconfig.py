"""Load and validate a site's TOML config (``crawler/sites/*.toml``).

The config is checked against ``schemas/site-config.schema.json`` and its regexes are
compiled *before* the crawler starts, so a typo stops the run with an error naming
the file and the bad field (as a JSON pointer) instead of surfacing mid-crawl.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

SITES_DIR = Path(__file__).resolve().parent / "sites"
DEFAULT_CONTACT = "https://github.com/newsaudit/newsaudit"
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


class SiteConfigError(ValueError):
    """An unusable site config. The message names the file and the field."""


@dataclass(frozen=True)
class SiteConfig:
    """A validated site config. ``path`` is where it came from (for messages)."""

    name: str
    allowed_domains: tuple[str, ...]
    #: The site's language hint; ``None`` (not configured) leaves it to detection.
    language: str | None
    start_urls: tuple[str, ...]
    sitemaps: tuple[str, ...] = ()
    news_sitemaps: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    allow: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()
    listing: tuple[str, ...] = ()
    max_pages: int = 1000
    max_depth: int = 3
    delay: float = 1.0
    concurrency: int = 2
    autothrottle: bool = True
    timeout: float = 30.0
    user_agent_contact: str = DEFAULT_CONTACT
    language_by_path: dict[str, str] = field(default_factory=dict)
    audit: dict[str, Any] = field(default_factory=dict)
    #: ``[health]``: when a finished run counts as unhealthy (crawler.health).
    health: dict[str, float] = field(default_factory=dict)
    #: ``[alerts]``: drift thresholds (crawler.drift) and where alerts are sent (crawler.notify).
    alerts: dict[str, Any] = field(default_factory=dict)
    #: ``[view]``: the stable view's feed base URL and page size (crawler.view).
    view: dict[str, Any] = field(default_factory=dict)
    path: str | None = None

    def language_for(self, url: str) -> str | None:
        """The language hint for ``url``: the longest matching path prefix, else the site's
        (``None`` when neither is configured: the page's declaration and langdetect decide)."""
        path = urlsplit(url).path or "/"
        best = ""
        for prefix in self.language_by_path:
            if path.startswith(prefix) and len(prefix) > len(best):
                best = prefix
        return self.language_by_path.get(best, self.language) if best else self.language

    def with_overrides(self, **changes: Any) -> SiteConfig:
        """A copy with some fields replaced (CLI ``--max-pages`` etc.); ``None`` means keep."""
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})

    def with_origin(self, origin: str) -> SiteConfig:
        """Point every absolute URL at another ``scheme://host:port`` (the demo on another port)."""
        new = urlsplit(origin)

        def move(url: str) -> str:
            parts = urlsplit(url)
            return urlunsplit((new.scheme, new.netloc, parts.path, parts.query, parts.fragment))

        host = new.hostname or ""
        return dataclasses.replace(
            self,
            start_urls=tuple(map(move, self.start_urls)),
            sitemaps=tuple(map(move, self.sitemaps)),
            news_sitemaps=tuple(map(move, self.news_sitemaps)),
            feeds=tuple(map(move, self.feeds)),
            allowed_domains=(host,) if host else self.allowed_domains,
        )


def resolve_site(name: str, sites_dir: Path = SITES_DIR) -> Path:
    """``NAME`` -> ``crawler/sites/NAME.toml``; names are slugs, so no path can escape."""
    if not _NAME.fullmatch(name):
        raise SiteConfigError(f"{name!r}: a site name is lowercase letters, digits, '-' and '_'")
    path = sites_dir / f"{name}.toml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in sites_dir.glob("*.toml"))) or "none"
        raise SiteConfigError(f"{path}: no such site config (known sites: {known})")
    return path


def _pointer(parts: Any) -> str:
    return "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in parts) if parts else "/"


def validate(data: Any, origin: str) -> None:
    """Raise :class:`SiteConfigError` naming ``origin`` and the first bad field."""
    from audit.schema import validator

    problems = sorted(
        validator("site-config").iter_errors(data), key=lambda e: list(map(str, e.absolute_path))
    )
    if problems:
        err = problems[0]
        where = _pointer(err.absolute_path)
        # A missing required field is reported at the parent; name the field itself.
        if err.validator == "required":
            missing = [r for r in err.validator_value if r not in (err.instance or {})]
            if missing:
                where = _pointer([*err.absolute_path, missing[0]])
        hint = ""
        if err.validator == "additionalProperties":
            known = list(err.schema.get("properties", {}))
            extra = [k for k in err.instance if k not in known]
            if extra:
                where = _pointer([*err.absolute_path, extra[0]])
                close = difflib.get_close_matches(extra[0], known, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else f" (known fields: {', '.join(known)})"
        more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
        raise SiteConfigError(f"{origin}: invalid field {where}: {err.message}{hint}{more}")
    for key in ("allow", "deny", "listing"):
        for i, pattern in enumerate(data.get("urls", {}).get(key, [])):
            try:
                re.compile(pattern)
            except re.error as exc:
                raise SiteConfigError(
                    f"{origin}: invalid field /urls/{key}/{i}: bad regex {pattern!r}: {exc}"
                ) from exc
    if "audit" in data:
        from audit.config import ConfigError, load_config

        try:
            load_config(override=data["audit"])
        except ConfigError as exc:
            raise SiteConfigError(f"{origin}: invalid field /audit: {exc}") from exc


def from_mapping(data: dict[str, Any], origin: str = "<config>") -> SiteConfig:
    validate(data, origin)
    urls = data.get("urls", {})
    limits = data.get("limits", {})
    polite = data.get("politeness", {})
    return SiteConfig(
        name=data["name"],
        allowed_domains=tuple(data["allowed_domains"]),
        language=data.get("language"),
        start_urls=tuple(data["start_urls"]),
        sitemaps=tuple(data.get("sitemaps", ())),
        news_sitemaps=tuple(data.get("news_sitemaps", ())),
        feeds=tuple(data.get("feeds", ())),
        allow=tuple(urls.get("allow", ())),
        deny=tuple(urls.get("deny", ())),
        listing=tuple(urls.get("listing", ())),
        max_pages=limits.get("max_pages", SiteConfig.max_pages),
        max_depth=limits.get("max_depth", SiteConfig.max_depth),
        delay=float(polite.get("delay", SiteConfig.delay)),
        concurrency=polite.get("concurrency", SiteConfig.concurrency),
        autothrottle=polite.get("autothrottle", SiteConfig.autothrottle),
        timeout=float(polite.get("timeout", SiteConfig.timeout)),
        user_agent_contact=data.get("user_agent_contact", DEFAULT_CONTACT),
        language_by_path=dict(data.get("language_by_path", {})),
        audit=dict(data.get("audit", {})),
        health=dict(data.get("health", {})),
        alerts=dict(data.get("alerts", {})),
        view=dict(data.get("view", {})),
        path=None if origin.startswith("<") else origin,
    )


def load_site_config(path: str | Path) -> SiteConfig:
    """Read, parse and validate one TOML file."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SiteConfigError(f"{path}: no such site config file") from None
    except OSError as exc:
        raise SiteConfigError(f"{path}: cannot read: {exc.strerror}") from exc
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise SiteConfigError(f"{path}: not UTF-8 text: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SiteConfigError(f"{path}: invalid TOML: {exc}") from exc
    return from_mapping(data, str(path))


def load(site: str | None = None, config: str | Path | None = None) -> SiteConfig:
    """Load by site name (``crawler/sites/NAME.toml``) or by file path; exactly one."""
    if (site is None) == (config is None):
        raise SiteConfigError("give a site NAME or --config FILE (exactly one)")
    return load_site_config(config if config is not None else resolve_site(site))  # type: ignore[arg-type]
