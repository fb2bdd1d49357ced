"""The console transcripts of README.md, docs/cli.md and docs/ck-users.md are real runs: each '$ command' is executed in
a sandbox copy of the project and must print what the document shows (tests/console_blocks.py;
`python -m tests.console_blocks README.md docs/cli.md` rewrites them after a deliberate change)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.console_blocks import ROOT, blocks, check, parse_block, same

DOCUMENTS = ["README.md", "docs/cli.md", "docs/ck-users.md"]


@pytest.mark.slow
@pytest.mark.parametrize("document", DOCUMENTS)
def test_every_console_block_prints_what_the_document_shows(document: str, tmp_path: Path) -> None:
    problems = check(ROOT / document, tmp_path)
    fix = f"python -m tests.console_blocks {document}"
    assert not problems, f"{document}: stale transcript (rewrite with {fix}):\n\n" + "\n\n".join(problems)


@pytest.mark.parametrize("document", DOCUMENTS)
def test_the_document_has_transcripts_with_commands_and_output(document: str) -> None:
    steps = [step for _, found in blocks((ROOT / document).read_text(encoding="utf-8")) for step in found]
    assert len(steps) >= 8 and any(step.expected for step in steps)


def test_a_changed_output_line_is_noticed_but_a_new_uid_is_not() -> None:
    [step] = parse_block("$ kb repo init /tmp/x\nCreated repository x (UID 50b60004e68addd4) at /tmp/x\n")
    assert same(step.expected, ["Created repository x (UID 0123456789abcdef) at /tmp/x"])
    assert not same(step.expected, ["Created repository y (UID 0123456789abcdef) at /tmp/x"])


def test_continued_commands_are_joined_and_outputs_kept_apart() -> None:
    steps = parse_block("$ kb add model:a \\\n      --tags x\nAdded\n$ echo $?\n0\n")
    assert [(s.command, s.expected) for s in steps] == [("kb add model:a --tags x", ["Added"]), ("echo $?", ["0"])]


CK_COMMANDS = ["version", "add repo", "import repo", "pull repo", "list repo", "where repo", "add", "load", "info",
               "find", "list", "search", "update", "ren", "rename", "mv", "move", "cp", "copy", "rm", "delete",
               "remove", "run"]  # fmt: skip


@pytest.mark.parametrize("command", CK_COMMANDS)
def test_the_ck_users_page_maps_every_common_ck_command(command: str) -> None:
    rows = [line for line in (ROOT / "docs" / "ck-users.md").read_text().splitlines() if line.startswith("| `ck ")]
    assert any(f"`ck {command}" in row.split("|")[1] or f"`ck {command}`" in row for row in rows), command
