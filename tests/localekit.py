"""Helpers for tests of the locale strings."""

from __future__ import annotations

import string


def format_fields(template: str) -> frozenset[str]:
    """Names of the format fields in `template` (`"{a} {b:.2f}"` -> {"a", "b"})."""
    return frozenset(
        name.split(".")[0].split("[")[0]
        for _, name, _, _ in string.Formatter().parse(template)
        if name is not None
    )
