"""Entry commands: add, load, find, list, rm."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from generator.ck.ids import Cid
from generator.ck.jsonio import decode_json_bytes
from generator.cli.context import CliState, emit_json, handle_errors, json_option, pass_state
from generator.errors import UsageError
from generator.ops import entries as ops


def _parse_assignment(text: str) -> tuple[str, Any]:
    if "=" not in text:
        raise UsageError(f"--set expects key=value, got {text!r}")
    key, raw = text.split("=", 1)
    try:
        value: Any = json.loads(raw)
    except json.JSONDecodeError:
        value = raw
    return key.strip(), value


def _read_meta(source: str | None) -> dict[str, Any]:
    if not source:
        return {}
    path = Path(source)
    raw = sys.stdin.buffer.read() if source == "-" else None
    if raw is None:
        if not path.is_file():
            raise UsageError(f"meta file {source} does not exist")
        raw = path.read_bytes()
    data = decode_json_bytes(raw, "<stdin>" if source == "-" else source)
    if not isinstance(data, dict):
        raise UsageError(f"meta from {source} must be a JSON object")
    return data


def _split_tags(tags: str) -> tuple[str, ...]:
    return tuple(t.strip() for t in tags.split(",") if t.strip())


@click.command("add")
@click.argument("cid")
@click.option("--meta", "meta_source", metavar="FILE", help="Meta as a JSON file ('-' reads stdin).")
@click.option("--set", "assignments", multiple=True, metavar="KEY=VALUE",
              help="Set one meta key (value parsed as JSON when it can be). Repeatable.")  # fmt: skip
@click.option("--tags", default="", help="Comma-separated tags added to the meta.")
@click.option("--uid", default="", help="Use this 16-hex UID instead of a generated one.")
@click.option("--name", default="", help="Human-readable name (info.json data_name).")
@json_option
@pass_state
@handle_errors
def add_command(state: CliState, cid: str, meta_source: str | None, assignments: tuple[str, ...],
                tags: str, uid: str, name: str, as_json: bool) -> None:  # fmt: skip
    """Create an entry at CID (module:alias, repo:module:alias, or module: for a UID-only entry).

    Example: kb add model:resnet50 --tags model,image-classification --set framework=onnx
    """
    meta = _read_meta(meta_source)
    meta.update(dict(_parse_assignment(a) for a in assignments))
    request = ops.AddRequest(Cid.parse(cid), meta, uid=uid, name=name, tags=_split_tags(tags))
    entry = ops.add_entry(state.workspace(), request)
    if as_json:
        emit_json(entry.to_dict())
    else:
        click.echo(f"Added {entry.ref.cid} (UID {entry.ref.uid}) at {entry.ref.path}")


@click.command("load")
@click.argument("cid")
@json_option
@pass_state
@handle_errors
def load_command(state: CliState, cid: str, as_json: bool) -> None:
    """Print an entry's meta (with --json: meta, info, desc, updates and identities)."""
    entry = ops.load_entry(state.workspace(), Cid.parse(cid))
    emit_json(entry.to_dict() if as_json else entry.meta)


@click.command("find")
@click.argument("cid")
@json_option
@pass_state
@handle_errors
def find_command(state: CliState, cid: str, as_json: bool) -> None:
    """Print the folder of the entry a CID names."""
    ref = state.workspace().resolve(Cid.parse(cid))
    if as_json:
        emit_json({"cid": ref.cid, "data_uid": ref.uid, "path": str(ref.path)})
    else:
        click.echo(ref.path)


def _ref_row(ref: Any) -> dict[str, str]:
    return {"repo_uoa": ref.repo, "module_uoa": ref.module, "data_uoa": ref.uoa,
            "data_uid": ref.uid, "data_alias": ref.alias, "path": str(ref.path)}  # fmt: skip


@click.command("list")
@click.argument("cid", default="*:*:*")
@click.option("--tags", default="", help="Only entries carrying all these comma-separated tags.")
@json_option
@pass_state
@handle_errors
def list_command(state: CliState, cid: str, tags: str, as_json: bool) -> None:
    """List entries matching CID (wildcards * and ? allowed in every part; default: all)."""
    refs = ops.list_entries(state.workspace(), Cid.parse(cid), tags=_split_tags(tags))
    if as_json:
        emit_json({"count": len(refs), "entries": [_ref_row(r) for r in refs]})
        return
    for ref in refs:
        click.echo(ref.cid)


@click.command("rm")
@click.argument("cid")
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
        if count > 1 and not click.confirm(f"Delete {count} entries matching {cid}?", default=False):
            raise UsageError("nothing deleted")
    removed = ops.remove_entries(workspace, parsed)
    if as_json:
        emit_json({"removed": [_ref_row(r) for r in removed]})
    else:
        for ref in removed:
            click.echo(f"Removed {ref.cid}")


def register(group: click.Group) -> None:
    """Attach the entry commands to the kb group."""
    for command in (add_command, load_command, find_command, list_command, rm_command):
        group.add_command(command)
