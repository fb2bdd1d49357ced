"""CK's command names on the ``kb`` group: its aliases run the kb command, the rest get a pointer.

``ck rename``, ``ck delete`` … are CK's own spellings of ``ren``, ``rm`` …: unambiguous, so ``kb``
runs them. CK actions kb has under another name (``ck pull repo`` is ``kb sync``) are a usage
error that names the kb command instead of a bare "No such command".
"""

from __future__ import annotations

from typing import Any

import click

ALIASES = {"rename": "ren", "delete": "rm", "remove": "rm", "copy": "cp", "move": "mv"}
POINTERS = {
    "where": "kb find CID prints an entry's folder, kb repo where NAME a repository's",
    "pull": "kb sync clones or fetches the Git repositories listed in mkdocs.yml (kb.lock pins them)",
    "version": "kb --version",
    "info": "kb load CID --json prints meta, info and desc",
}


class CkAwareGroup(click.Group):
    """A click group that understands CK's command names."""

    def resolve_command(self, ctx: click.Context,
                        args: list[str]) -> tuple[str | None, click.Command | None, list[str]]:  # fmt: skip
        """Run CK's aliases as their kb command; point CK-only names at the kb equivalent."""
        name = args[0] if args else ""
        if name in ALIASES and self.get_command(ctx, name) is None:
            args = [ALIASES[name], *args[1:]]
        elif name in POINTERS and self.get_command(ctx, name) is None:
            ctx.fail(f"'kb {name}' does not exist; CK's '{name}' is: {POINTERS[name]}")
        return super().resolve_command(ctx, args)

    def format_epilog(self, ctx: click.Context, formatter: Any) -> None:
        """After the command list: CK's names kb also accepts."""
        super().format_epilog(ctx, formatter)
        aliases = ", ".join(f"{ck} = {kb}" for ck, kb in ALIASES.items())
        formatter.write_paragraph()
        formatter.write_text(f"CK's command names work too: {aliases}. For CK users: docs/ck-users.md.")
