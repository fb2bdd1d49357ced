"""The contribute pages: one form per type (``contribute/<type>/``) and their index (``contribute/``).

Each page carries, as a JSON data block, what the browser needs to write the entry's files as
``kb add`` would: the type's schema and the common one, the shared message table, and per
repository of the portal its alias, the UIDs of the modules it already has and, for repositories
on GitHub, where a new file can be opened. The form itself is rendered here from the schema
(forms.py); assets/contribute/ holds the scripts that read, check and write it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from generator.ck import layout
from generator.ck.model import KNOWN_MODULE_UIDS
from generator.ck.resolve import Workspace
from generator.portal.forms import TypeForm, type_form
from generator.portal.render import render
from generator.provenance.history import RepoHistory
from generator.schema.loader import COMMON, INFO, SchemaSet, load_schemas
from generator.schema.messages import message_table, not_printable_runs
from generator.sitepaths import segment

FOLDER = "contribute"
NOT_CONTRIBUTED = frozenset({COMMON, INFO, "repo", "module"})  # CK's own records, not components
DEFAULT_BRANCH = "main"  # GitHub's new-file links need a branch; used when the configured revision is none
_COMMIT = re.compile(r"^[0-9a-f]{40}$")


@dataclass(frozen=True)
class ContributeType:
    """One row of the contribute index."""

    module: str
    title: str
    description: str


def contribute_types(schemas: SchemaSet | None = None) -> list[ContributeType]:
    """The types a form is made for: every schema but the common one and CK's own records."""
    documents = (schemas or load_schemas()).documents
    return [ContributeType(name, str(doc.get("title", name)), str(doc.get("description", "")))
            for name, doc in sorted(documents.items()) if name not in NOT_CONTRIBUTED]  # fmt: skip


def page_url(module: str = "") -> str:
    """Site-relative folder of a type's form (or of the index when no type is given)."""
    return f"{FOLDER}/{segment(module)}/" if module else f"{FOLDER}/"


def new_file_base(history: RepoHistory | None) -> str:
    """GitHub's 'new file' URL of a repository's folder, or '' when it is not on GitHub."""
    if history is None or not history.web_url.startswith("https://github.com/"):
        return ""
    rev = history.rev if history.rev and history.rev != "HEAD" and not _COMMIT.match(history.rev) else DEFAULT_BRANCH
    return "/".join(p for p in (history.web_url, "new", rev, history.web_prefix) if p)


def repo_contexts(workspace: Workspace, histories: dict[str, RepoHistory]) -> list[dict[str, Any]]:
    """Per repository: alias, UID, profile, its modules' UIDs and its GitHub new-file URL."""
    found = []
    for repo in workspace.repos:
        modules = {m: repo.module_uid(m) for m in repo.module_names()}
        found.append({"alias": repo.info.alias, "uid": repo.info.uid, "profile": workspace.profile(repo),
                      "modules": {m: uid for m, uid in sorted(modules.items()) if uid},
                      "new_file": new_file_base(histories.get(repo.info.alias))})  # fmt: skip
    return found


def default_repo(module: str, repos: list[dict[str, Any]]) -> str:
    """The repository offered first: a Reef one that has the type, else any Reef one, else the first."""
    for wanted in (lambda r: r["profile"] == "reef" and module in r["modules"], lambda r: r["profile"] == "reef"):
        for repo in repos:
            if wanted(repo):
                return str(repo["alias"])
    return str(repos[0]["alias"]) if repos else ""


def data_block(value: Any) -> Markup:
    """JSON for a ``<script type="application/json">`` block: no ``</script>`` or comment can end it early."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, allow_nan=False)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def form_data(form: TypeForm, schemas: SchemaSet, repos: list[dict[str, Any]]) -> dict[str, Any]:
    """What the page's scripts read: schemas, messages, repositories and CK's fixed info.json values."""
    names = [form.module] + ([COMMON] if form.module != COMMON else [])
    return {"format_version": 1, "module": form.module, "schemas": {n: schemas.documents[n] for n in names},
            "messages": message_table(), "repos": repos, "known_module_uid": KNOWN_MODULE_UIDS.get(form.module, ""),
            "ck_version": list(layout.CK_VERSION), "not_printable": not_printable_runs()}  # fmt: skip


def render_form(module: str, repos: list[dict[str, Any]], root: str, schemas: SchemaSet | None = None) -> str:
    """The body of one type's contribute page."""
    schemas = schemas or load_schemas()
    form = type_form(module, schemas.documents)
    return render("contribute.html", form=form, repos=repos, default_repo=default_repo(module, repos), root=root,
                  data_json=data_block(form_data(form, schemas, repos)))  # fmt: skip


def render_index(root: str, schemas: SchemaSet | None = None) -> str:
    """The body of the contribute index: one link per type."""
    return render("contribute_index.html", types=contribute_types(schemas), root=root)


def pages(workspace: Workspace, histories: dict[str, RepoHistory]) -> list[tuple[str, str, str]]:
    """(URL folder, title, body) of the index and of every type's form."""
    schemas = load_schemas()
    repos = repo_contexts(workspace, histories)
    found = [(page_url(), "Contribute", render_index("../", schemas))]
    for kind in contribute_types(schemas):
        found.append((page_url(kind.module), f"Add a {kind.title}", render_form(kind.module, repos, "../../", schemas)))
    return found
