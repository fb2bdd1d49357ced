"""kb new: scaffold an entry of a type from its schema, valid from the start."""

from __future__ import annotations

import sys
from typing import Any

import click

from generator.ck.ids import Cid
from generator.cli.context import CliState, echo_inert, emit_json, handle_errors, json_option, pass_state
from generator.cli.entries import _parse_assignment, _split_tags
from generator.ops.scaffold import Scaffold, coerce, create_entry


def _ask(key: str, description: str, schema: dict[str, Any]) -> Any:
    """Prompt for one required field on the terminal, converting the answer to its JSON type."""
    hint = " (comma-separated)" if schema.get("type") == "array" else ""
    hint = " (JSON)" if schema.get("type") == "object" else hint
    text = click.prompt(f"{key}{hint}: {description}".strip().rstrip(":"), type=str)
    return coerce(text, schema)


def _interactive() -> bool:
    """Ask for missing fields only when a person is at the terminal."""
    return sys.stdin.isatty()


@click.command("new")
@click.argument("module")
@click.argument("cid")
@click.option("--set", "assignments", multiple=True, metavar="KEY=VALUE",
              help="Set one meta key (value parsed as JSON when it can be). Repeatable.")  # fmt: skip
@click.option("--tags", default="", help="Comma-separated tags.")
@click.option("--name", "--data_name", "name", default="",
              help="Human-readable name (info.json data_name; --data_name is CK's spelling).")
@json_option
@pass_state
@handle_errors
def new_command(state: CliState, module: str, cid: str, assignments: tuple[str, ...], tags: str, name: str,
                as_json: bool) -> None:  # fmt: skip
    """Create a MODULE entry at CID (alias or repo:alias) with the fields its schema requires.

    Required fields come from --set/--tags; on a terminal, missing ones are asked for. The entry is
    checked against the schema before anything is written.
    Example: kb new model reef-core:my-model --tags model,demo --set task=image-classification
    """
    parts = cid.split(":")  # alias, repo:alias, or repo:module:alias (the module comes from MODULE)
    target = Cid(repo=parts[0] if len(parts) > 1 else "", module=module, entry=parts[-1])
    meta: dict[str, Any] = dict(_parse_assignment(a) for a in assignments)
    if tags:
        meta["tags"] = list(dict.fromkeys([*meta.get("tags", []), *_split_tags(tags)]))
    ask = _ask if _interactive() else None
    entry = create_entry(state.workspace(), Scaffold(module, target, meta, name), ask)
    if as_json:
        emit_json(entry.to_dict())
    else:
        echo_inert(f"Created {entry.ref.cid} at {entry.ref.path}")


def register(group: click.Group) -> None:
    """Attach the new command."""
    group.add_command(new_command)
