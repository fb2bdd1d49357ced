"""CK identifiers: UIDs, aliases (names) and CIDs ``repo:module:entry``; pure, no I/O."""

from __future__ import annotations

import fnmatch
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from generator.ck.uid import UID_LENGTH, is_uid  # noqa: F401  (is_uid re-exported: the rule lives in ck/uid.py)
from generator.errors import InvalidName, UsageError

if TYPE_CHECKING:
    import random

MAX_NAME_LENGTH = 63  # the longest alias kb makes up itself (slugify); not a limit on names it accepts
MAX_NAME_BYTES = 255 - len("alias-a-")  # NAME_MAX of common file systems, minus the alias file prefix
_STRICT_UID = re.compile(r"^[0-9a-f]{16}$")
# CK 2.6.4's kernel setting allowed_entry_names ("^[A-Za-z0-9_@.' -]*$", checked by add, ren, cp and
# repo add), plus '+', which kb's own aliases use (c++, +int8).
_CK_NAME = re.compile(r"^[A-Za-z0-9_@.+' -]+$")
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", "conin$", "conout$"} | {
    f"{p}{n}" for p in ("com", "lpt") for n in [*"123456789", "¹", "²", "³"]
}
WILDCARDS = ("*", "?")
_SLUG_RUN = re.compile(r"[^a-z0-9.+-]+")


def slugify(text: str, limit: int = MAX_NAME_LENGTH) -> str:
    """The project's alias rule: lowercase, runs outside ``[a-z0-9.+-]`` become '-', trimmed, cut to limit."""
    return _SLUG_RUN.sub("-", text.lower()).strip("-.")[:limit].strip("-.")


def is_strict_uid(text: str) -> bool:
    """Accept only what a writer may produce: 16 lowercase hex digits."""
    return _STRICT_UID.match(text) is not None


def new_uid(rng: random.Random | None = None) -> str:
    """Make a UID the way CK does: 16 hex chars cut from a uuid4 at a random offset."""
    import random  # here: readers (kb search) never make UIDs and skip importing uuid/random/hashlib
    import uuid

    hex32 = uuid.UUID(int=rng.getrandbits(128), version=4).hex if rng else uuid.uuid4().hex
    offset = (rng or random).randint(0, 15)
    return hex32[offset : offset + UID_LENGTH]


def has_wildcards(text: str) -> bool:
    """True when a CID part is a pattern rather than a name."""
    return any(w in text for w in WILDCARDS)


def name_problem(name: str) -> str:
    """Explain why a name may not be written (empty string when it is fine).

    The rule is CK's (``allowed_entry_names``: letters, digits, space and ``_ @ . ' -``; any length
    the file system takes), plus the safety rules that matter: no path separator, no ``..``, no
    NUL or other control character, no hidden (leading-dot) name, nothing Windows cannot check out.
    """
    if not name:
        return "the name is empty"
    if name in (".", "..") or ".." in name:
        return "the name contains '..'"
    if any(unicodedata.category(ch).startswith("C") for ch in name):
        return "the name contains control or invisible characters"
    if "/" in name or "\\" in name:
        return "the name contains a path separator"
    if not name.isascii():
        return "the name contains non-ASCII characters"
    if not _CK_NAME.match(name):
        return "only letters, digits, spaces and _ @ . + ' - are allowed (as in CK)"
    if name.startswith("."):
        return "the name starts with a dot (a hidden folder, which CK and kb skip)"
    if name != name.strip() or name.endswith("."):
        return "the name starts or ends with a space, or ends with a dot (Windows cannot check it out)"
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        return (f"the name is {len(name)} characters long; at most {MAX_NAME_BYTES} fit a file system's "
                f"255-byte limit with the alias file prefix 'alias-a-'")
    if name.split(".")[0].lower().rstrip() in _WINDOWS_RESERVED:
        return f"'{name.split('.')[0]}' is a reserved device name on Windows"
    return ""


def check_name(name: str, what: str = "entry") -> str:
    """Return the name if it may be written, else raise InvalidName saying why."""
    problem = name_problem(name)
    if problem:
        raise InvalidName(
            f"invalid {what} name {name!r}: {problem}",
            hint="use a name such as 'resnet50-v1.5' or 'imagenet-2012-val'",
        )
    return name


def check_uid(uid: str) -> str:
    """Return the UID if a writer may use it, else raise InvalidName."""
    if not is_strict_uid(uid):
        raise InvalidName(
            f"invalid UID {uid!r}: a UID is 16 lowercase hexadecimal digits",
            hint="omit --uid to let kb generate one",
        )
    return uid


@dataclass(frozen=True)
class Cid:
    """A CK identifier ``repo:module:entry``; empty parts mean 'any' or 'keep'."""

    repo: str = ""
    module: str = ""
    entry: str = ""

    @classmethod
    def parse(cls, text: str) -> Cid:
        """Parse like CK: 'module', 'module:entry' or 'repo:module:entry'."""
        parts = text.split(":")
        if len(parts) == 1:
            return cls(module=parts[0])
        if len(parts) == 2:
            return cls(module=parts[0], entry=parts[1])
        if len(parts) == 3:
            return cls(repo=parts[0], module=parts[1], entry=parts[2])
        raise UsageError(
            f"invalid CID {text!r}: expected module, module:entry or repo:module:entry",
            hint="names cannot contain ':'",
        )

    def __str__(self) -> str:
        core = f"{self.module}:{self.entry}" if self.entry else self.module
        return f"{self.repo}:{core}" if self.repo else core

    @property
    def is_pattern(self) -> bool:
        """True when any part is a wildcard pattern (or empty, which matches all)."""
        return any(has_wildcards(p) for p in (self.repo, self.module, self.entry))


def matches(pattern: str, alias: str, uid: str) -> bool:
    """Match one CID part against an alias/UID pair the way CK's list does."""
    if not pattern or pattern == "*":
        return True
    if has_wildcards(pattern):
        return fnmatch.fnmatchcase(alias or uid, pattern)
    return pattern in (alias, uid)
