"""docs/cli.md documents every registered kb command, its options and its arguments."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from generator.cli.main import cli

CLI_DOC = Path(__file__).resolve().parents[1] / "docs" / "cli.md"
_HEADING = re.compile(r"^#{2,4} `?(kb(?: [a-z][\w-]*)*)`?\s*$", re.MULTILINE)


def walk(group: click.Group, path: tuple[str, ...] = ("kb",)) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    """Every command under the group, depth first, with its full name."""
    yield path, group
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from walk(command, (*path, name))
        else:
            yield (*path, name), command


def sections(text: str) -> dict[str, str]:
    """The text under each '## kb …' heading, up to the next command heading."""
    matches = list(_HEADING.finditer(text))
    return {m.group(1): text[m.end() : nxt.start() if nxt else len(text)]
            for m, nxt in zip(matches, [*matches[1:], None], strict=True)}  # fmt: skip


def missing_from(section: str, command: click.Command) -> list[str]:
    """Option strings and argument names of the command that its section never mentions."""
    missing = []
    for param in command.params:
        if isinstance(param, click.Option):
            names = [*param.opts, *param.secondary_opts]
        elif isinstance(param, click.Argument):
            names = [(param.name or "").upper()]
        else:
            continue
        missing += [n for n in names if not re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", section)]
    return missing


COMMANDS = list(walk(cli))


@pytest.fixture(scope="module")
def documented() -> dict[str, str]:
    """Sections of docs/cli.md by command name."""
    return sections(CLI_DOC.read_text(encoding="utf-8"))


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_every_command_option_and_argument_is_in_docs_cli_md(path: tuple[str, ...], command: click.Command,
                                                            documented: dict[str, str]) -> None:  # fmt: skip
    name = " ".join(path)
    assert name in documented, f"docs/cli.md has no '## {name}' section: add one for your command"
    missing = missing_from(documented[name], command)
    assert not missing, f"docs/cli.md section '{name}' does not mention {missing}"


def test_the_checker_notices_an_undocumented_option() -> None:
    @click.command("demo")
    @click.argument("cid")
    @click.option("-q", "--quiet", is_flag=True)
    @click.option("--color/--no-color")
    def demo(cid: str, quiet: bool, color: bool) -> None:
        """Demo."""

    assert missing_from("`CID` and `-q`, `--quiet`, `--color`", demo) == ["--no-color"]
    assert sections("## kb a\nx `--y`\n### kb a b\nz\n## Other\nq\n") == {"kb a": "\nx `--y`\n",
                                                                        "kb a b": "\nz\n## Other\nq\n"}
