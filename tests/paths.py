"""Where tests find the repository, its fixtures and the optional ``../shared`` data."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
PAGES = FIXTURES / "pages"
SHARED = ROOT.parent / "shared"
CLI = ROOT / ".venv" / "bin" / "newsaudit"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or skip the test cleanly when it is absent (a user's clone)."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not available (../shared is only present for developers and CI)")
    return path
