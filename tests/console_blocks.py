"""The ```console blocks of the docs as transcripts: run each '$ command' for real, compare or rewrite.

A document's blocks run in order in one sandbox (a copy of the project's mkdocs.yml and kb/, a
private HOME, search cache and CK_REPOS), each command in bash with the previous exit status kept
(so ``echo $?`` works) and stderr shown with stdout, as on a terminal. Paths the docs show are
mapped to the sandbox and back: ``/work/main`` is the project, ``/tmp/…`` a folder of the sandbox.
16-hex UIDs compare as equal (new entries get random ones).

Check:   tests/test_console_docs.py (runs every documented transcript)
Rewrite: .venv/bin/python -m tests.console_blocks README.md docs/cli.md docs/ck-users.md
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHOWN_PROJECT = "/work/main"
_UID = re.compile(r"\b[0-9a-f]{16}\b")
_BLOCK = re.compile(r"^```console\n(.*?)^```$", re.DOTALL | re.MULTILINE)


@dataclass
class Step:
    """One '$ command' of a console block and the output the document shows for it."""

    command: str
    expected: list[str] = field(default_factory=list)


def parse_block(body: str) -> list[Step]:
    """The steps of one block: '$ ' lines (joined over trailing backslashes) and their output."""
    steps: list[Step] = []
    lines = body.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.startswith("$ "):
            command = line[2:]
            while command.endswith("\\") and index + 1 < len(lines):
                index += 1
                command = command[:-1].rstrip() + " " + lines[index].strip()
            steps.append(Step(command))
        elif steps:
            steps[-1].expected.append(line)
        index += 1
    return steps


def blocks(text: str) -> list[tuple[re.Match[str], list[Step]]]:
    """Every console block of a document with its steps."""
    return [(match, parse_block(match.group(1))) for match in _BLOCK.finditer(text)]


class Sandbox:
    """A throw-away copy of the project in which a document's commands run (HOME is /home/me,
    CK_REPOS /home/me/CK)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.project = folder / SHOWN_PROJECT.lstrip("/")  # so '..' of the project is <folder>/work too
        self.project.mkdir(parents=True)
        shutil.copytree(ROOT / "kb", self.project / "kb", ignore=shutil.ignore_patterns(".kb-*", "kb.lock"))
        shutil.copy(ROOT / "mkdocs.yml", self.project / "mkdocs.yml")
        (self.project / "docs").mkdir()
        (self.project / "docs" / "index.md").write_text("# KB\n")
        for name in ("home/me/CK", "tmp", "cache"):
            (folder / name).mkdir(parents=True)
        self.status = 0
        self.cwd = self.project
        self.env = {**{k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "KB_", "CK_"))},
                    "HOME": str(folder / "home/me"), "KB_CACHE_DIR": str(folder / "cache"),
                    "CK_REPOS": str(folder / "home/me/CK"), "NO_COLOR": "1", "COLUMNS": "100", "KB_FSYNC": "0",
                    "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}  # fmt: skip

    def inside(self, command: str) -> str:
        """The command with the documented paths moved into the sandbox."""
        parent = str(Path(SHOWN_PROJECT).parent)
        return command.replace(f"{parent}/", f"{self.folder}{parent}/").replace("/tmp/", f"{self.folder}/tmp/")

    def shown(self, text: str) -> str:
        """Output with the sandbox's paths written as the document shows them."""
        return text.replace(f"{self.folder}/", "/")

    def run(self, command: str) -> list[str]:
        """Run one documented command; its output (stdout and stderr interleaved) as shown lines.
        A bare 'cd FOLDER' moves the folder the next commands run in."""
        if command.startswith("cd ") and ";" not in command and "&" not in command:
            self.cwd = Path(self.inside(command[3:].strip()))
            return []
        done = subprocess.run(["bash", "-c", f"(exit {self.status}); {self.inside(command)}"], cwd=self.cwd,
                              env=self.env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, timeout=300)  # fmt: skip
        self.status = done.returncode
        return [line.rstrip() for line in self.shown(done.stdout).splitlines()]


def same(expected: list[str], actual: list[str]) -> bool:
    """Equal, counting any two UIDs as equal and ignoring trailing spaces."""
    def norm(lines: list[str]) -> list[str]:
        return [_UID.sub("<uid>", line.rstrip()) for line in lines]

    return norm(expected) == norm(actual)


def check(document: Path, sandbox_folder: Path) -> list[str]:
    """Every step whose real output differs from the document, described for a failing test."""
    sandbox = Sandbox(sandbox_folder)
    problems = []
    for _, steps in blocks(document.read_text(encoding="utf-8")):
        for step in steps:
            actual = sandbox.run(step.command)
            if not same(step.expected, actual):
                problems.append(f"$ {step.command}\n--- documented\n" + "\n".join(step.expected)
                                + "\n--- real\n" + "\n".join(actual))  # fmt: skip
    return problems


def rewrite(document: Path, sandbox_folder: Path) -> bool:
    """Replace each step's documented output with the real one (kept when it only differs in
    UIDs); True when the document changed."""
    text = document.read_text(encoding="utf-8")
    sandbox = Sandbox(sandbox_folder)
    pieces, last = [], 0
    for match, steps in blocks(text):
        body = []
        for step, raw in zip(steps, _raw_commands(match.group(1)), strict=True):
            actual = sandbox.run(step.command)
            body += [*raw, *(step.expected if same(step.expected, actual) else actual)]
        pieces += [text[last : match.start(1)], "\n".join(body) + "\n"]
        last = match.end(1)
    new = "".join(pieces) + text[last:]
    if new != text:
        document.write_text(new, encoding="utf-8")
    return new != text


def _raw_commands(body: str) -> list[list[str]]:
    """The command lines of each step as written (with their continuation lines)."""
    commands: list[list[str]] = []
    continuing = False
    for line in body.splitlines():
        if line.startswith("$ ") or continuing:
            if line.startswith("$ ") and not continuing:
                commands.append([])
            commands[-1].append(line)
            continuing = line.endswith("\\")
    return commands


if __name__ == "__main__":
    import tempfile

    for name in sys.argv[1:]:
        with tempfile.TemporaryDirectory(prefix="kb-console-") as tmp:
            changed = rewrite(ROOT / name, Path(tmp))
        print(f"{name}: {'rewritten from real runs' if changed else 'already matches real runs'}")
