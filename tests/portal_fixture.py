"""A small fixture KB (with references, an old alias, hostile strings and Git history) and its built site."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from generator.ck.store import Repo
from generator.portal.builder import build_site

XSS_NAME = "<script>alert('name')</script>"
XSS_TAG = '"><img src=x onerror=alert(1)>'
XSS_STATUS = "<svg onload=alert(2)>"
COMMIT_DATE = "2025-01-02T03:04:05+00:00"
CONFIG = """site_name: Fixture KB
site_url: https://kb.example.org/
theme:
  name: material
  font: false
plugins:
  - search
  - kb:
      repos: [fx]
"""


def make_kb(root: Path, *, git: bool = True) -> Path:
    """Write the fixture repository, docs and mkdocs.yml under root; returns the config file."""
    repo = Repo.init(root / "fx", "fx", url="https://github.com/example/fx", desc="Fixture repository")
    repo.add("model", "resnet", uid="1111111111111111", name="ResNet-50",
             meta={"tags": ["model", "image-classification"], "framework": "onnx"})  # fmt: skip
    repo.add("model", "mobilenet", uid="2222222222222222", name="MobileNet",
             meta={"tags": ["model", "mobilenet"], "status": "stable"})  # fmt: skip
    (root / "fx" / "model" / ".cm" / "alias-u-2222222222222222").write_text("mobilenet\nmobilenet-old\n")
    repo.add("dataset", "imagenet", uid="3333333333333333", name="ImageNet",
             meta={"tags": ["dataset", "image-classification"]})  # fmt: skip
    repo.add("platform", "pi4", uid="4444444444444444", name="Raspberry Pi 4",
             meta={"tags": ["platform", XSS_TAG]})  # two entries: a tag on one entry has no page  # fmt: skip
    repo.add("result", "r1", uid="5555555555555555", name="ResNet on Pi",
             meta={"tags": ["result"], "model_uoa": "resnet", "dataset_uoa": "3333333333333333",
                   "platform_uoa": "pi4"})  # fmt: skip
    repo.add("program", "hostile", uid="6666666666666666", name=XSS_NAME,
             meta={"tags": ["program", XSS_TAG], "status": XSS_STATUS})  # fmt: skip
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text("# Fixture home\n")
    (root / "mkdocs.yml").write_text(CONFIG)
    if git:
        commit_all(root, "initial entries", COMMIT_DATE)
    return root / "mkdocs.yml"


def commit_all(root: Path, message: str, date: str) -> None:
    """Commit everything under root with a fixed author and date."""
    env = {**os.environ, "GIT_AUTHOR_NAME": "Ada", "GIT_AUTHOR_EMAIL": "ada@example.org",
           "GIT_COMMITTER_NAME": "Ada", "GIT_COMMITTER_EMAIL": "ada@example.org",
           "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}  # fmt: skip
    if not (root / ".git").exists():
        subprocess.run(["git", "init", "-q", str(root)], check=True, env=env)
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True, env=env)
    subprocess.run(["git", "-C", str(root), "commit", "-q", "-m", message], check=True, env=env)


def build_fixture_site(root: Path) -> Path:
    """Make the fixture KB under root and build it; returns the site folder."""
    config = make_kb(root)
    return build_site(config)
