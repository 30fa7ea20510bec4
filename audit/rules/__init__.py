"""The one place that imports every rule module, so that importing this package
registers all rules (see :mod:`audit.registry`)."""

from audit.rules import (  # noqa: F401
    boilerplate,
    headings,
    language,
    metadata,
    paragraphs,
    site_memory,
    statistics,
    topic,
    truncation,
)
