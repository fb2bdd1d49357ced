"""The one gate for output paths: KB names become URL path segments here, and nowhere else.

Every name taken from KB data (repository, module, entry, UID, tag, benchmark slug) reaches a URL
or a file name of the built site only through ``segment``: an encoding that is reversible
(``decode_segment``) and so collision-free, keeps ordinary names as they are (``resnet50-v1.5``),
escapes everything else as ``~`` plus the hex of its UTF-8 bytes (``a b`` → ``a~20b``), and keeps
the site's own names (``index.html``, ``search``, ``assets`` …) out of data's namespace by escaping
the first character of a name that would take one (``search`` → ``~73earch``). Names that cannot be
served at all (empty, not valid Unicode, control characters, path separators, markup, too long) are refused
with a reason; ``relpath_problem`` is the last check on every path the build writes
(SECURITY-CASES §1.1, issue 14). Pure: no I/O.
"""

from __future__ import annotations

import functools
import re
import string
import unicodedata

from generator.errors import GeneratorError

ESCAPE = "~"
LITERAL = frozenset(string.ascii_letters + string.digits + "_.-")
HEX = frozenset("0123456789abcdef")
MAX_SEGMENT_BYTES = 250  # file systems allow 255 bytes; ".json" must fit after it (CK names reach 247)
MAX_NAME_CHARS = 1000  # longer names are refused before they are encoded
_WINDOWS_DEVICES = frozenset({"con", "prn", "aux", "nul", "conin$", "conout$"}
                             | {f"{p}{n}" for p in ("com", "lpt") for n in "0123456789"})  # fmt: skip
_PLAIN = re.compile(rf"[A-Za-z0-9_-](?:[A-Za-z0-9_.-]{{0,{MAX_SEGMENT_BYTES - 2}}}[A-Za-z0-9_-])?\Z")
_PATH = re.compile(r"[A-Za-z0-9_.~-]+(?:/[A-Za-z0-9_.~-]+)*\Z")
_MARKUP = frozenset('<>"&`')  # no CK tool writes them; in a name they are only ever an attack on a page
_BAD_CATEGORIES = ("C", "Zl", "Zp")  # control, format, surrogate, private, unassigned; line/paragraph breaks

# Everything the site itself writes in its root folder; a module's listing folder never takes one.
ROOT_NAMES = frozenset({
    "index.html", "404.html", "sitemap.xml", "sitemap.xml.gz", "robots.txt", "_headers", ".nojekyll",
    "favicon.ico", "assets", "api", "feeds", "repos", "search", "search-index", "tags", "uid", "schemas",
    "dashboards", "compare", "browse", "contributing", "contribute", "papers", "_kbshell",
})  # fmt: skip
# The files of a listing folder (module, tag and repository pages): an entry's folder never takes one.
LISTING_NAMES = frozenset({"index.html", "rows.json", "rows.js"})
# The files of the feeds folder beside the per-module feed folders.
FEED_NAMES = frozenset({"new.xml", "changed.xml"})
# The files of the dashboards folder beside the per-board folders.
DASHBOARD_NAMES = frozenset({"index.html"})


class UnservableName(GeneratorError):
    """A KB name that cannot become part of a URL or a file name of the site."""


def segment_problem(text: str) -> str:
    """Why a text has no URL segment at all ('' when ``segment`` can encode it): tags use this rule."""
    if _PLAIN.match(text):
        return ""  # the common case: letters, digits, '_', '-' and inner dots
    if not text:
        return "the name is empty"
    if len(text) > MAX_NAME_CHARS:
        return f"the name is {len(text):,} characters long"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "the name is not valid Unicode text (undecodable bytes or a lone surrogate)"
    size = len(_escaped(text))
    if size > MAX_SEGMENT_BYTES:
        return f"its URL form is {size} characters long; at most {MAX_SEGMENT_BYTES} fit in a file name"
    return ""


def name_problem(name: str) -> str:
    """Why a repository, module or entry name or a UID cannot be published ('' when it can).

    Stricter than ``segment_problem``: besides what no URL can hold, names refuse what is only ever an
    attack on a path, a page or a log (separators, '.' and '..', markup, control and invisible characters).
    """
    if _PLAIN.match(name):
        return ""
    if name in (".", ".."):
        return f"the name is {name!r}"
    if any(c in name for c in "/\\"):
        return "the name contains a path separator ('/' or '\\')"
    if any(c in name for c in _MARKUP):
        return "the name contains markup characters (< > \" & `), which CK does not allow either"
    problem = segment_problem(name)
    if problem:
        return problem
    bad = next((c for c in name if unicodedata.category(c).startswith(_BAD_CATEGORIES)), "")
    return f"the name contains the control or invisible character U+{ord(bad):04X}" if bad else ""


def _escape_char(char: str) -> str:
    return "".join(f"{ESCAPE}{byte:02x}" for byte in char.encode("utf-8"))


def _escaped(name: str) -> str:
    last = len(name) - 1
    return "".join(c if c in LITERAL and not (c == "." and i in (0, last)) else _escape_char(c)
                   for i, c in enumerate(name))  # fmt: skip


@functools.lru_cache(maxsize=1 << 16)  # pure; a build asks for each module's segment thousands of times
def segment(name: str, reserved: frozenset[str] = frozenset()) -> str:
    """The URL path segment (and file name) of a text; raises UnservableName when there is none
    (``segment_problem``; names are checked with the stricter ``name_problem`` before they get here).

    ``reserved`` holds the names the site writes in the folder the segment goes into (compared
    without case: macOS and Windows folders ignore it).
    """
    plain = _PLAIN.match(name) is not None
    problem = "" if plain else segment_problem(name)
    if problem:
        raise UnservableName(f"name '{shown_name(name)}' cannot be published: {problem}",
                             hint="rename it to letters, digits, '.', '-' or '_'")  # fmt: skip
    encoded = name if plain else _escaped(name)
    lowered = encoded.lower()
    if lowered in reserved or lowered.partition(".")[0] in _WINDOWS_DEVICES:
        encoded = _escape_char(encoded[0]) + encoded[1:]  # first char is literal here: nothing reserved starts with ~
    return encoded


def shown_name(name: str, limit: int = 80) -> str:
    """A name as printable ASCII for messages and logs (no newline or escape sequence gets through)."""
    text = name.encode("ascii", "backslashreplace").decode("ascii")
    text = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def is_servable(name: str) -> bool:
    """True when a repository, module or entry name or a UID may be published (``name_problem``)."""
    return not name_problem(name)


def decode_segment(text: str) -> str:
    """The KB name a segment was made from (``segment``'s inverse); ValueError when it is not one."""
    out = bytearray()
    index = 0
    while index < len(text):
        char = text[index]
        if char == ESCAPE:
            pair = text[index + 1 : index + 3]
            if len(pair) != 2 or not set(pair) <= HEX:
                raise ValueError(f"bad escape at {index} in {text!r}")
            out.append(int(pair, 16))
            index += 3
        elif char in LITERAL:
            out.append(ord(char))
            index += 1
        else:
            raise ValueError(f"character {char!r} cannot appear in a segment")
    return out.decode("utf-8")


def relpath_problem(relpath: str) -> str:
    """Why a site-relative output path may not be written ('' when it may): the writers' last check."""
    if not _PATH.match(relpath):
        shown = relpath.encode("ascii", "backslashreplace").decode("ascii")[:200]
        return f"the path {shown!r} is empty, absolute, or holds characters segments never contain"
    for part in relpath.split("/"):
        if part in (".", ".."):
            return f"the path {relpath!r} has a '.' or '..' part"
        if len(part) > 255:
            return f"a part of the path {relpath[:80]!r}… is longer than 255 bytes"
    return ""


# -- the URLs of things made from KB names ---------------------------------------------------------


def module_url(module: str, reserved_roots: frozenset[str] = ROOT_NAMES) -> str:
    """``<module>/``: a module's listing folder (its entries' folders live inside)."""
    return segment(module, reserved_roots) + "/"


def entry_url(module: str, name: str, reserved_roots: frozenset[str] = ROOT_NAMES) -> str:
    """``<module>/<entry>/``: the page folder of an entry (alias, else UID)."""
    return module_url(module, reserved_roots) + segment(name, LISTING_NAMES) + "/"


def repo_url(repo: str) -> str:
    """``repos/<repo>/``: a repository's listing folder."""
    return "repos/" + segment(repo, LISTING_NAMES) + "/"


def repo_entry_url(repo: str, module: str, name: str) -> str:
    """``repos/<repo>/<module>/<entry>/``: an entry page when another repository has the same name first."""
    return repo_url(repo) + segment(module, LISTING_NAMES) + "/" + segment(name, LISTING_NAMES) + "/"


def tag_url(tag: str) -> str:
    """``tags/<tag>/``: a tag's listing (tags differing only in case share it); '' when it cannot be served."""
    lowered = tag.lower()
    return "" if segment_problem(lowered) else "tags/" + segment(lowered, LISTING_NAMES) + "/"


def uid_url(uid: str) -> str:
    """``uid/<uid>/``: a UID permalink folder."""
    return "uid/" + segment(uid, LISTING_NAMES) + "/"


def entry_api_path(module: str, name: str, repo: str = "") -> str:
    """An entry's API file; ``repo`` qualifies it when another repository has the same key first."""
    where = f"repos/{segment(repo, LISTING_NAMES)}/entries/" if repo else "entries/"
    return f"api/{where}{segment(module, LISTING_NAMES)}/{segment(name)}.json"


def module_api_path(module: str) -> str:
    """A module's API index."""
    return f"api/modules/{segment(module)}.json"


def feed_path(kind: str, module: str = "") -> str:
    """An Atom feed: ``feeds/<kind>.xml`` overall, ``feeds/<module>/<kind>.xml`` per module."""
    return f"feeds/{segment(module, FEED_NAMES)}/{kind}.xml" if module else f"feeds/{kind}.xml"


def dashboard_url(slug: str) -> str:
    """``dashboards/<slug>/``: a dashboard's folder."""
    return "dashboards/" + segment(slug, DASHBOARD_NAMES) + "/"


def top_segment(url: str) -> str:
    """The first segment of a site-relative URL (``api`` of ``api/x/``), lower-cased for comparison."""
    return url.strip("/").split("/")[0].lower()
