"""kb search: ranked full-text and field search over the repositories, with facets and related entries."""

from __future__ import annotations

import html
import re
from typing import Any

import click

from generator.ck.ids import Cid
from generator.cli.complete import complete_cid
from generator.cli.context import CliState, emit_json, handle_errors, json_option, pass_state
from generator.diagnostics import inert

_MARK = re.compile(r"<mark>(.*?)</mark>", re.S)
_SPACE = re.compile(r"\s+")


def _terminal_snippet(snippet: str) -> str:
    """Snippet HTML (escaped text + <mark>) as terminal text with bold matches."""
    parts = _MARK.split(snippet)
    out = []
    for i, part in enumerate(parts):
        text = inert(_SPACE.sub(" ", html.unescape(part)))  # unescaped: &#27; is an escape character again
        out.append(click.style(text, bold=True) if i % 2 else text)
    return "".join(out).strip()


def _print_hit_line(rank: int, hit: Any) -> None:
    """``  1. cid  title``: names and titles are data, made inert before the bold style is added."""
    click.echo(f"{rank:>3}. {click.style(inert(hit.cid), bold=True)}  {inert(hit.name)}")


def _print_hits(results: Any) -> None:
    for rank, hit in enumerate(results.hits, start=1):
        _print_hit_line(rank, hit)
        if hit.tags:
            click.echo(f"     tags: {inert(', '.join(hit.tags))}")
        if hit.snippet:
            click.echo(f"     {_terminal_snippet(hit.snippet)}")
    shown = len(results.hits)
    click.echo(f"{shown} of {results.total} match{'es' if results.total != 1 else ''}"
               + (" (use --limit N or --all to see more)" if shown < results.total else ""))  # fmt: skip


def _print_facets(facets: dict[str, list[tuple[str, int]]], top: int = 10) -> None:
    for name, counts in facets.items():
        if counts:
            shown = ", ".join(f"{inert(str(value))} ({count})" for value, count in counts[:top])
            more = f", … {len(counts) - top} more" if len(counts) > top else ""
            click.echo(f"{name}: {shown}{more}")


@click.command("search")
@click.argument("query", nargs=-1)
@click.option("-m", "--module", "modules", multiple=True, metavar="MODULE",
              help="Only entries of this module (repeatable: any of them).")  # fmt: skip
@click.option("-t", "--tag", "tags", multiple=True, metavar="TAG", help="Only entries with this tag (repeatable: all).")
@click.option("--tags", "ck_tags", default="", metavar="A,B",
              help="CK's spelling: only entries with all these comma-separated tags; a first word that "
                   "names a module then selects it, as in 'ck search model --tags=…'.")  # fmt: skip
@click.option("-n", "--limit", default=10, show_default=True, help="How many ranked results to show (any number).")
@click.option("--all", "show_all", is_flag=True, help="Show every match (like ck search), not only the first --limit.")
@click.option("--facets", is_flag=True, help="Also count matches per module, tag, platform and framework.")
@click.option("--like", "like", metavar="CID", shell_complete=complete_cid,
              help="Show entries related to this entry instead (more-like-this).")
@click.option("--reindex", is_flag=True, help="Rebuild the cached index from scratch first.")
@click.option("--fresh", is_flag=True,
              help="Check every entry for changes before answering (default: a quick check per module).")  # fmt: skip
@json_option
@pass_state
@handle_errors
def search_command(state: CliState, query: tuple[str, ...], modules: tuple[str, ...], tags: tuple[str, ...],
                   ck_tags: str, limit: int, show_all: bool, facets: bool, like: str | None, reindex: bool, fresh: bool,
                   as_json: bool) -> None:  # fmt: skip
    """Search entries: free text plus field syntax, ranked, with highlighted snippets.

    Fields: module: (or type:), tag:, platform:, framework:, name:, alias:, repo:, uid:, text:.
    Wildcards * and ? work in values; AND, OR, NOT and "phrases" work too. An exact alias
    ranks first; tag matches rank above matches in descriptions. Examples:

      kb search resnet

      kb search module:model tag:resnet platform:rpi*

    The index lives in a cache folder ($KB_CACHE_DIR if absolute, default ~/.cache/reef-kb;
    never inside a Git work tree) and is updated automatically from the entries' content hashes.
    Before answering, a quick check (a few stats per module, kb's own writes, the checked-out Git
    commit) decides whether entries changed;
    a full check then runs in the background, so a file edited in place by another tool is
    found by the next search, or by this one with --fresh.
    """
    from generator.cli.progress import status_line
    from generator.ops import search as ops  # imported here: Whoosh loads only for this command

    workspace = state.workspace()
    if ck_tags:
        tags = (*tags, *(t.strip() for t in ck_tags.split(",") if t.strip()))
        query, modules = _ck_module_word(workspace, query, modules)
    with status_line("Building the search index"):  # shows only while the index is built or rebuilt
        if reindex:
            ops.reindex(workspace, full=True)
        if like:
            hits = ops.related(workspace, Cid.parse(like), k=limit)
        else:
            results = ops.search(workspace, " ".join(query), modules=modules, tags=tags, facets=facets, fresh=fresh,
                                 limit=None if show_all else limit)  # fmt: skip
    if like:
        _print_related(like, hits, as_json)
    elif as_json:
        emit_json(results.to_dict())
    else:
        _print_hits(results)
        if facets:
            _print_facets(results.facets)


def _ck_module_word(workspace: Any, query: tuple[str, ...], modules: tuple[str, ...]
                    ) -> tuple[tuple[str, ...], tuple[str, ...]]:  # fmt: skip
    """CK's 'search MODULE --tags=…': a first word naming a module (or 'module:*') filters by it."""
    if modules or not query:
        return query, modules
    word = query[0].removesuffix(":*")
    if any(word in repo.module_names() for repo in workspace.repos):
        return query[1:], (word,)
    return query, modules


def _print_related(like: str, hits: Any, as_json: bool) -> None:
    if as_json:
        emit_json({"like": like, "hits": [h.to_dict() for h in hits]})
        return
    for rank, hit in enumerate(hits, start=1):
        _print_hit_line(rank, hit)


def register(group: click.Group) -> None:
    """Attach the search command."""
    group.add_command(search_command)
