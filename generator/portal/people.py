"""Who contributed an entry, as its data says: never the Git committer who happened to copy it in.

In order: the author CK recorded in ``info.json`` (``control.author``, linked to
``control.author_webpage``), a result's ``submitter``, then the maintainers the repository's
``.ckr.json`` lists (``dict.maintainers``). Git commits stay in the page's History section.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from generator.ck.model import Entry

MAX_PEOPLE = 10
NAME_CHARS = 120


@dataclass(frozen=True)
class Person:
    """A contributor's name and, when the data gives one, an http(s) web page."""

    name: str
    url: str = ""

    def __html__(self) -> str:
        """The name, linked to the web page when there is one."""
        name = html.escape(self.name)
        if not self.url:
            return name
        return f'<a href="{html.escape(self.url)}" rel="nofollow noopener noreferrer">{name}</a>'


@dataclass(frozen=True)
class Credit:
    """The contributors of one entry and what they are to it ("Contributed", "Submitted", "Maintained")."""

    people: tuple[Person, ...] = ()
    role: str = ""

    @property
    def names(self) -> str:
        """The names as plain text (listings, feeds)."""
        return ", ".join(p.name for p in self.people)

    def byline(self) -> Markup:
        """``Contributed by A and B`` with links ('' when nobody is known)."""
        if not self.people:
            return Markup("")
        linked = [p.__html__() for p in self.people]
        joined = linked[0] if len(linked) == 1 else ", ".join(linked[:-1]) + " and " + linked[-1]
        return Markup(f"{self.role} by {joined}")


def _text(value: Any) -> str:
    if not isinstance(value, str):
        return ""
    text = " ".join(value.split())
    return text if len(text) <= NAME_CHARS else text[: NAME_CHARS - 1] + "…"


def _web(value: Any) -> str:
    text = value.strip() if isinstance(value, str) else ""
    return text if text.startswith(("https://", "http://")) and len(text) < 2000 and " " not in text else ""


def _people(values: Iterable[Any]) -> tuple[Person, ...]:
    found: list[Person] = []
    for value in values:
        if isinstance(value, Mapping):
            person = Person(_text(value.get("name")), _web(value.get("url") or value.get("webpage")))
        else:
            person = Person(_text(value))
        if person.name and person not in found:
            found.append(person)
    return tuple(found[:MAX_PEOPLE])


def repo_maintainers(repo_dict: Mapping[str, Any]) -> tuple[Person, ...]:
    """The maintainers a repository's ``.ckr.json`` names (``dict.maintainers``: names or {name, url})."""
    raw = repo_dict.get("maintainers") if isinstance(repo_dict, Mapping) else None
    if isinstance(raw, str):
        raw = [raw]
    return _people(raw) if isinstance(raw, list) else ()


def credit_of(entry: Entry, maintainers: Mapping[str, tuple[Person, ...]]) -> Credit:
    """Who the data says contributed this entry (see the module docstring for the order)."""
    control = entry.info.get("control")
    if isinstance(control, Mapping):
        author = _text(control.get("author"))
        if author:
            return Credit((Person(author, _web(control.get("author_webpage"))),), "Contributed")
    submitter = entry.meta.get("submitter") if entry.ref.module == "result" else None
    submitters = _people(submitter if isinstance(submitter, list) else [submitter])
    if submitters:
        return Credit(submitters, "Submitted")
    repo_people = maintainers.get(entry.ref.repo, ())
    return Credit(repo_people, "Maintained") if repo_people else Credit()
