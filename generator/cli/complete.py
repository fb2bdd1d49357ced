"""Click's shell completion hooked to the knowledge base: CID arguments complete entry names."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from generator.errors import GeneratorError

if TYPE_CHECKING:
    from click.shell_completion import CompletionItem


def complete_cid(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Entries, modules and repositories of the repositories the command line names (-R, -c, or
    the folder's own), as the shell asks; nothing at all when they cannot be opened."""
    from click.shell_completion import CompletionItem

    from generator.ops.complete import cid_candidates
    from generator.ops.workspace import open_workspace

    root = ctx.find_root().params
    try:
        workspace = open_workspace(tuple(root.get("repos") or ()), root.get("config"), Path.cwd())
    except (GeneratorError, OSError):
        return []
    return [CompletionItem(name, type="plain") for name in cid_candidates(workspace, incomplete)]
