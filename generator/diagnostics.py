"""Data problems found in a corpus, collected (never printed) and summarised in a Report."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from enum import Enum


class Severity(str, Enum):
    """How bad a diagnostic is; errors fail validation, warnings only under --strict."""

    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"


@dataclass(frozen=True)
class Diagnostic:
    """One problem: where it is (file, JSON path, line) and how to fix it."""

    code: str
    severity: Severity
    path: str
    message: str
    json_path: str = "$"
    line: int = 0
    column: int = 0
    hint: str = ""

    def location(self) -> str:
        """Return ``file::$.json.path`` as check-jsonschema prints it."""
        return f"{self.path}::{self.json_path}"

    def to_dict(self) -> dict[str, object]:
        """Plain-data form for the JSON reporter."""
        data = asdict(self)
        data["severity"] = self.severity.value
        return data


@dataclass
class Report:
    """All diagnostics of one run plus what was checked."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    checked_entries: int = 0

    def extend(self, items: Iterable[Diagnostic]) -> None:
        """Add diagnostics from one check."""
        self.diagnostics.extend(items)

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(self.sorted())

    def sorted(self) -> list[Diagnostic]:
        """Diagnostics ordered by file, then line, then JSON path, so output is stable."""
        return sorted(self.diagnostics, key=lambda d: (d.path, d.line, d.json_path, d.code))

    def counts(self) -> Counter[str]:
        """Number of diagnostics per severity name."""
        return Counter(d.severity.value for d in self.diagnostics)

    def failed(self, *, strict: bool = False) -> bool:
        """True when the run should exit 1: any error, or any warning under --strict."""
        counts = self.counts()
        return counts["error"] > 0 or (strict and counts["warning"] > 0)

    def summary(self) -> str:
        """One line: how many entries and problems."""
        c = self.counts()
        return (
            f"{counted(self.checked_entries, 'entry', 'entries')} checked: {counted(c['error'], 'error')}, "
            f"{counted(c['warning'], 'warning')}, {counted(c['note'], 'note')}"
        )



def counted(count: int, noun: str, plural: str = "") -> str:
    """``1 entry``, ``2 entries``: a count with its noun in the right number, for the messages people read."""
    return f"{count} {noun if count == 1 else plural or noun + 's'}"

# C0/C1 controls (not tab, CR, LF: escaped GitHub's way), line and paragraph separators, bidi
# overrides, zero-width characters and lone surrogates (undecodable file-name bytes): each shown as
# \uXXXX, so what is printed is always valid UTF-8.
_INVISIBLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff"
                        r"\ud800-\udfff]")
_PERCENT_ESCAPE = re.compile(r"%(?=[0-9A-Fa-f]{2})")


def inert(text: str) -> str:
    """Untrusted text made safe to print in a terminal, a CI log and a GitHub workflow command.

    The one escaping function for every printed diagnostic and build-log line. GitHub runs a
    workflow command (``::add-mask::``, ``::error::``, ``::stop-commands::``) from any line that
    starts with ``::`` and a legacy one (``##[…]``) from anywhere in a line; a terminal obeys
    escape sequences. So: ``%`` before two hex digits, CR and LF are escaped as GitHub's commands
    expect (``%25``, ``%0D``, ``%0A``: annotations then show the text as it was); every other
    control, separator, bidi or zero-width character becomes ``\\uXXXX``; ``##[`` loses its
    bracket and a leading ``::`` its first colon. The result is one line that cannot start or
    carry a command, whatever the text held.
    """
    text = _PERCENT_ESCAPE.sub("%25", text).replace("\r", "%0D").replace("\n", "%0A")
    text = _INVISIBLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text).replace("##[", "##\\u005b")
    body = text.lstrip()  # GitHub trims every Unicode space before looking for "::"
    if body.startswith("::"):
        text = text[: len(text) - len(body)] + "\\u003a" + body[1:]
    return text


_JSON_BREAKS = re.compile(r"[\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ud800-\udfff]|##\[")


def inert_json(document: str) -> str:
    """A JSON document (``json.dumps`` output, which escapes CR, LF and C0 controls) with what it
    leaves raw — C1 controls (U+009B is a terminal's CSI), line separators, bidi overrides,
    zero-width characters, lone surrogates — and every ``##[`` written as JSON escapes: the same
    value for a parser, valid UTF-8, and no escape sequence or command for a terminal or a CI log."""
    return _JSON_BREAKS.sub(lambda m: "##\\u005b" if m.group() == "##[" else f"\\u{ord(m.group()):04x}", document)
