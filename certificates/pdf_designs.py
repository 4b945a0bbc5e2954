"""Which certificate designs exist: a template and a stylesheet per design."""

import functools
from pathlib import Path

from django.conf import settings

FALLBACK = "standard"


@functools.cache
def available_designs() -> frozenset[str]:
    """Designs with both a template and a stylesheet in the project."""
    templates = Path(settings.BASE_DIR) / "templates" / "certificates" / "designs"
    stylesheets = Path(settings.BASE_DIR) / "static" / "certificates" / "designs"
    return frozenset(
        path.stem
        for path in templates.glob("*.html")
        if path.stem != "base" and (stylesheets / f"{path.stem}.css").exists()
    )


def design_for(name: str) -> str:
    """`name` if the project has that design, otherwise the standard one."""
    return name if name in available_designs() else FALLBACK
