"""Allow ``python -m generator`` as an alias of the ``kb`` command."""

from __future__ import annotations

from generator.cli.main import main

if __name__ == "__main__":
    main()
