"""Link stage: automatic internal links between articles (see issue: Danish-aware linking)."""

from __future__ import annotations

from ordbog.config import Config
from ordbog.diagnostics import Diagnostic
from ordbog.model import Site


def link_site(config: Config, site: Site) -> tuple[Site, list[Diagnostic]]:
    """Site with automatic links inserted into article tokens (not yet enabled)."""
    return site, []
