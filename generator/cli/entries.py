"""Entry commands: add, load, find, list (CK search), update, ren, mv, cp, rm."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from generator.ck.ids import Cid
from generator.ck.jsonio import check_storable, decode_json_bytes, decode_json_value
from generator.ck.search import SearchQuery, parse_where
from generator.cli.ck_input import ARGUMENT as CK_INPUT
from generator.cli.ck_input import read_ck_input
from generator.cli.complete import complete_cid
from generator.cli.context import CliState, echo_inert, emit_json, handle_errors, json_option, pass_state
from generator.diagnostics import inert
from generator.errors import BadJSON, UsageError
from generator.ops import entries as ops
from generator.ops.repos import list_repos, lists_repositories


def _parse_assignment(text: str) -> tuple[str, Any]:
    if "=" not in text:
        raise UsageError(f"--set expects key=value, got {text!r}")
    key, raw = text.split("=", 1)
    key = key.strip()
    try:
        json.loads(raw)
    except json.JSONDecodeError:
        return key, raw  # not JSON: the text itself
    except (ValueError, RecursionError):
        pass  # JSON beyond what a file may hold: the strict reader below says what
    try:
        return key, decode_json_value(raw, f"--set {key}")
    except BadJSON as exc:
        hint = exc.hint or f"quote it to store the text: --set '{key}=\"…\"'"
        raise UsageError(f"--set {key}: {exc.message}", hint=hint) from None


def _read_meta(source: str | None) -> dict[str, Any]:
    if not source:
        return {}
    path = Path(source)
    raw = sys.stdin.buffer.read() if source == "-" else None
    if raw is None:
        if not path.is_file():
            raise UsageError(f"meta file {source} does not exist")
        raw = path.read_bytes()
    where = "<stdin>" if source == "-" else source
    data = decode_json_bytes(raw, where)
    check_storable(data, where)  # a file's problem: exit 1, as its other JSON errors
    if not isinstance(data, dict):
        raise UsageError(f"meta from {source} must be a JSON object")
    return data


def _set_dotted(meta: dict[str, Any], key: str, value: Any) -> None:
    """Set ``a.b.c=value`` as nested dicts (a plain key stays a plain key)."""
    parts = key.split(".")
    node = meta
    for part in parts[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = node[part] = {}
        node = child
    node[parts[-1]] = value


def _split_tags(tags: str) -> tuple[str, ...]:
    return tuple(t.strip() for t in tags.split(",") if t.strip())


@click.command("add")
@click.argument("cid", shell_complete=complete_cid)
@CK_INPUT
@click.option("--meta", "meta_source", metavar="FILE", help="Meta as a JSON file ('-' reads stdin).")
@click.option("--set", "assignments", multiple=True, metavar="KEY=VALUE",
              help="Set one meta key (value parsed as JSON when it can be; a.b=1 sets a sub-key). "
                   "Repeatable.")  # fmt: skip
@click.option("--tags", default="", help="Comma-separated tags added to the meta.")
@click.option("--uid", default="", help="Use this 16-hex UID instead of a generated one.")
@click.option("--name", "--data_name", "name", default="",
              help="Human-readable name (info.json data_name; --data_name is CK's spelling).")
@json_option
@pass_state
@handle_errors
def add_command(state: CliState, cid: str, ck_input: tuple[str, ...], meta_source: str | None,
                assignments: tuple[str, ...], tags: str, uid: str, name: str, as_json: bool) -> None:  # fmt: skip
    """Create an entry at CID (module:alias, repo:module:alias, or module: for a UID-only entry).

    @FILE.json is CK's input file (dict, tags, data_name); --meta, --set, --tags and --name add to it.
    Example: kb add model:resnet50 --tags model,image-classification --set framework=onnx
    """
    given = read_ck_input(ck_input, _read_meta)
    meta = {**given.meta, **_read_meta(meta_source)}
    for key, value in (_parse_assignment(a) for a in assignments):
        _set_dotted(meta, key, value)
    request = ops.AddRequest(Cid.parse(cid), meta, uid=uid, name=name or given.name,
                             tags=(*given.tags, *_split_tags(tags)))  # fmt: skip
    entry = ops.add_entry(state.workspace(), request)
    if as_json:
        emit_json(entry.to_dict())
    else:
        echo_inert(f"Added {entry.ref.cid} (UID {entry.ref.uid}) at {entry.ref.path}")


@click.command("load")
@click.argument("cid", shell_complete=complete_cid)
@json_option
@pass_state
@handle_errors
def load_command(state: CliState, cid: str, as_json: bool) -> None:
    """Print an entry's meta (with --json: meta, info, desc, updates and identities)."""
    entry = ops.load_entry(state.workspace(), Cid.parse(cid))
    emit_json(entry.to_dict() if as_json else entry.meta)


@click.command("find")
@click.argument("cid", shell_complete=complete_cid)
@json_option
@pass_state
@handle_errors
def find_command(state: CliState, cid: str, as_json: bool) -> None:
    """Print the folder of the entry a CID names."""
    ref = state.workspace().resolve(Cid.parse(cid))
    if as_json:
        emit_json({"cid": ref.cid, "data_uid": ref.uid, "path": str(ref.path)})
    else:
        echo_inert(str(ref.path))


def _ref_row(ref: Any) -> dict[str, str]:
    return {"repo_uoa": ref.repo, "module_uoa": ref.module, "data_uoa": ref.uoa,
            "data_uid": ref.uid, "data_alias": ref.alias, "path": str(ref.path)}  # fmt: skip


@click.command("list")
@click.argument("cid", default="*:*:*", shell_complete=complete_cid)
@click.option("--tags", default="", help="Only entries carrying all these comma-separated tags.")
@click.option("--where", "where", multiple=True, metavar="KEY=VALUE",
              help="Only entries whose meta has KEY=VALUE (dotted keys reach into sub-dicts; "
                   "a JSON list value must be contained). Repeatable.")  # fmt: skip
@click.option("--search-dict", "--search_dict", "search_dict", metavar="FILE",
              help="Only entries whose meta contains this JSON sub-dict (CK search_dict; '-' = stdin).")
@click.option("--search-string", "--search_string", "search_string", default="",
              help="Only entries with a meta value equal to this string (wildcards * ? allowed).")
@click.option("-i", "--ignore-case", is_flag=True, help="Compare strings ignoring case.")
@json_option
@pass_state
@handle_errors
def list_command(state: CliState, cid: str, tags: str, where: tuple[str, ...], search_dict: str | None,
                 search_string: str, ignore_case: bool, as_json: bool) -> None:  # fmt: skip
    """List entries matching CID (wildcards * and ? allowed in every part; default: all).

    With --tags/--where/--search-dict/--search-string this is CK's 'search': every tag is
    required, sub-dicts must match, lists must contain the given items.
    'kb list repo' lists the repositories, as 'ck list repo' does.
    Example: kb list 'model:*' --tags onnx --where framework=onnx
    """
    workspace, parsed = state.workspace(), Cid.parse(cid)
    if lists_repositories(workspace, parsed) and not (tags or where or search_dict or search_string):
        _list_repositories(workspace, as_json)
        return
    query = SearchQuery(tags=_split_tags(tags), where={**_read_meta(search_dict), **parse_where(where)},
                        search_string=search_string, ignore_case=ignore_case)  # fmt: skip
    refs = ops.list_entries(workspace, parsed, query=query)
    if as_json:
        emit_json({"count": len(refs), "entries": [_ref_row(r) for r in refs]})
        return
    for ref in refs:
        echo_inert(ref.cid)


def _list_repositories(workspace: Any, as_json: bool) -> None:
    """``kb list repo``: the repositories' aliases, one per line, like ``ck list repo``."""
    rows = [row.to_dict() for row in list_repos(workspace)]
    if as_json:
        emit_json({"count": len(rows), "entries": [{"repo_uoa": r["data_alias"], "module_uoa": "repo",
                   "data_uoa": r["data_alias"], "data_uid": r["data_uid"], "data_alias": r["data_alias"],
                   "path": r["path"]} for r in rows]})  # fmt: skip
        return
    for row in rows:
        echo_inert(row["data_alias"])


@click.command("update")
@click.argument("cid", shell_complete=complete_cid)
@CK_INPUT
@click.option("--meta", "meta_source", metavar="FILE", help="Meta as a JSON file ('-' reads stdin).")
@click.option("--set", "assignments", multiple=True, metavar="KEY=VALUE",
              help="Set one meta key (value parsed as JSON when it can be). Repeatable.")  # fmt: skip
@click.option("--tags", default="", help="Comma-separated tags appended to the meta's tags.")
@click.option("--name", "--data_name", "name", default="",
              help="New human-readable name (info.json data_name; --data_name is CK's spelling).")
@click.option("--substitute", is_flag=True,
              help="Replace the meta (and desc) instead of merging into it (CK substitute=yes).")
@json_option
@pass_state
@handle_errors
def update_command(state: CliState, cid: str, ck_input: tuple[str, ...], meta_source: str | None,
                   assignments: tuple[str, ...], tags: str, name: str, substitute: bool,
                   as_json: bool) -> None:  # fmt: skip
    """Merge meta into the entry (or, with wildcards, entries) a CID names, like 'ck update'.

    Sub-dicts are merged, lists and values replaced; the change is recorded in .cm/updates.json.
    A single entry that does not exist yet is created.
    @FILE.json is CK's input file (dict, tags, data_name, substitute).
    Example: kb update model:resnet50 --set accuracy.top1=0.76 --tags validated
    """
    given = read_ck_input(ck_input, _read_meta)
    meta = {**given.meta, **_read_meta(meta_source)}
    for key, value in (_parse_assignment(a) for a in assignments):
        _set_dotted(meta, key, value)
    entries = ops.update_entries(state.workspace(), Cid.parse(cid), meta, substitute=substitute or given.substitute,
                                 tags=(*given.tags, *_split_tags(tags)), name=name or given.name)  # fmt: skip
    if as_json:
        emit_json([e.to_dict() for e in entries])
        return
    for entry in entries:
        echo_inert(f"Updated {entry.ref.cid} (UID {entry.ref.uid})")


@click.command("ren")
@click.argument("cid", shell_complete=complete_cid)
@click.argument("new_name", default="")
@click.option("--new-uid", default="", help="Also give the entry this 16-hex UID (default: keep it).")
@click.option("--remove-alias", is_flag=True, help="Drop the alias: the entry becomes UID-only.")
@json_option
@pass_state
@handle_errors
def ren_command(state: CliState, cid: str, new_name: str, new_uid: str, remove_alias: bool,
                as_json: bool) -> None:  # fmt: skip
    """Rename an entry (NEW_NAME, or :NEW_NAME as CK writes it); the UID is kept.

    Example: kb ren model:resnet resnet50-v1.5
    """
    ref = ops.rename_entry(state.workspace(), Cid.parse(cid), new_name, new_uid=new_uid,
                           remove_alias=remove_alias)  # fmt: skip
    if as_json:
        emit_json(_ref_row(ref))
    else:
        echo_inert(f"Renamed {cid} to {ref.cid} (UID {ref.uid})")


@click.command("mv")
@click.argument("cid", shell_complete=complete_cid)
@click.argument("target", shell_complete=complete_cid)
@json_option
@pass_state
@handle_errors
def mv_command(state: CliState, cid: str, target: str, as_json: bool) -> None:
    """Move entries to another repository or module, keeping their UIDs (like 'ck mv').

    TARGET is repo:module:name; empty parts keep the source's (e.g. 'other-repo::').
    Example: kb mv my-repo:model:resnet50 reef-core::
    """
    moved = ops.move_entries(state.workspace(), Cid.parse(cid), Cid.parse(target))
    if as_json:
        emit_json({"moved": [_ref_row(r) for r in moved]})
        return
    for ref in moved:
        echo_inert(f"Moved to {ref.cid} (UID {ref.uid})")


@click.command("cp")
@click.argument("cid", shell_complete=complete_cid)
@click.argument("target", shell_complete=complete_cid)
@click.option("--keep-uid", is_flag=True, help="Keep the UID (only useful across repositories).")
@json_option
@pass_state
@handle_errors
def cp_command(state: CliState, cid: str, target: str, keep_uid: bool, as_json: bool) -> None:
    """Copy an entry with its files under a new UID (like 'ck cp').

    TARGET is repo:module:name; empty parts keep the source's (e.g. '::resnet50-copy').
    """
    ref = ops.copy_entry(state.workspace(), Cid.parse(cid), Cid.parse(target), keep_uid=keep_uid)
    if as_json:
        emit_json(_ref_row(ref))
    else:
        echo_inert(f"Copied {cid} to {ref.cid} (UID {ref.uid})")


def _confirmed(question: str) -> bool:
    """The user's yes; no answer at all (stdin closed or not a terminal) counts as no."""
    try:
        return click.confirm(question, default=False)
    except click.Abort:
        click.echo("", err=True)
        return False


@click.command("rm")
@click.argument("cid", shell_complete=complete_cid)
@click.option("-f", "--force", is_flag=True, help="Do not ask before deleting several entries.")
@json_option
@pass_state
@handle_errors
def rm_command(state: CliState, cid: str, force: bool, as_json: bool) -> None:
    """Remove the entry (or, with wildcards, entries) a CID names, with their alias files."""
    parsed = Cid.parse(cid)
    workspace = state.workspace()
    if parsed.is_pattern and not force:
        count = len(ops.list_entries(workspace, parsed))
        if count > 1 and not _confirmed(inert(f"Delete {count} entries matching {cid}?")):
            raise UsageError("nothing deleted", hint="pass -f/--force to delete without asking")
    removed = ops.remove_entries(workspace, parsed)
    if as_json:
        emit_json({"removed": [_ref_row(r) for r in removed]})
    else:
        for ref in removed:
            echo_inert(f"Removed {ref.cid}")


def register(group: click.Group) -> None:
    """Attach the entry commands to the kb group."""
    for command in (add_command, load_command, find_command, list_command, rm_command, update_command,
                    ren_command, mv_command, cp_command):  # fmt: skip
        group.add_command(command)
