"""Import Whoosh without the heavy modules it loads for paths we never take.

``kb search`` is a whole process per query, so start-up time is search time. ``whoosh.compat``
re-exports ``urllib.request.urlretrieve`` (which pulls in ``http.client``, ``email`` and ``ssl``
helpers), whoosh-reloaded's ``reading`` uses the ``cached_property`` backport, which imports
``asyncio``, and ``whoosh.query.terms`` imports ``whoosh.lang.morph_en`` (English word variations,
one huge regular expression compiled at import) for the ``Variations`` query we never build:
together about 120 ms of a ~350 ms query on the 2-core reference machine. While Whoosh is
imported, light stand-ins sit in ``sys.modules`` for those three (only if the real ones are not
loaded yet); they are removed right after, so any later ``import`` gets the real module, and the
stand-in functions import the real ones if they are ever called.
"""

from __future__ import annotations

import functools
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


def _urlretrieve(*args: Any, **kwargs: Any) -> Any:
    """Whoosh's download helper, resolved to the real function on first use."""
    from urllib.request import urlretrieve

    return urlretrieve(*args, **kwargs)


def _variations(word: str) -> Any:
    """Whoosh's English word variations, resolved to the real function on first use."""
    from whoosh.lang.morph_en import variations

    return variations(word)


def _standins() -> dict[str, types.ModuleType]:
    request = types.ModuleType("urllib.request", "stand-in used while Whoosh is imported")
    request.urlretrieve = _urlretrieve  # type: ignore[attr-defined]
    backport = types.ModuleType("cached_property", "stand-in used while Whoosh is imported")
    backport.cached_property = functools.cached_property  # type: ignore[attr-defined]
    morph = types.ModuleType("whoosh.lang.morph_en", "stand-in used while Whoosh is imported")
    morph.variations = _variations  # type: ignore[attr-defined]
    return {"urllib.request": request, "cached_property": backport, "whoosh.lang.morph_en": morph}


@contextmanager
def light_whoosh_import() -> Iterator[None]:
    """Put the stand-ins in place for the duration of a Whoosh import, then take them out again."""
    placed = {name: module for name, module in _standins().items() if name not in sys.modules}
    sys.modules.update(placed)
    try:
        yield
    finally:
        for name, module in placed.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]
        parent = sys.modules.get("urllib")
        if parent is not None and getattr(parent, "request", None) is placed.get("urllib.request"):
            delattr(parent, "request")
