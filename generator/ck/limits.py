"""The caps on what is read from a repository, in one place: every input ends.

Each cap that cuts something off has a diagnostic (``ck/skipped.py`` and the alias checks), so a
limit never drops data silently. ``jsonio.MAX_JSON_BYTES`` caps each ``.cm`` JSON file.
"""

from __future__ import annotations

ALIAS_FILE_BYTES = 4096  # an alias file holds a UID or a few aliases; the rest is never read
MAX_ALIASES = 16  # aliases of one entry (current + old ones) that get redirect pages
MAX_FILES_PER_ENTRY = 100  # files of an entry folder listed on its page (and copied when safe)
MAX_FILE_DEPTH = 3  # sub-folder levels of an entry folder that are listed
MAX_COPY_BYTES = 1 << 20  # a file larger than this is listed but never copied into the site
MAX_README_BYTES = 256 * 1024  # of a README, only this much is rendered
MAX_WALK = 10_000  # folder items examined per entry folder when looking for links and pipes
