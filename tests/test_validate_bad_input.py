"""SECURITY-CASES §1.3-§1.5 that cannot live as fixture files: each gives one clean diagnostic, the rest goes on."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from generator.ck.resolve import Workspace
from generator.ops.check import validate_workspace

VALID = Path(__file__).parent / "fixtures" / "ckrepos" / "valid" / "repos" / "reef"


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    shutil.copytree(VALID, tmp_path / "reef")
    return tmp_path / "reef"


def _problems(kb: Path) -> list[tuple[str, str, str]]:
    report = validate_workspace(Workspace.open([kb]))
    return [(d.code, str(Path(d.path).relative_to(kb)), d.message) for d in report if d.code != "no-schema"]


def _meta(kb: Path) -> Path:
    return kb / "dataset" / "imagenet-2012-val" / ".cm" / "meta.json"


def test_oversized_meta_is_refused_before_reading(kb: Path) -> None:
    with _meta(kb).open("w") as handle:
        handle.write('{"tags": ["x"], "pad": "')
        handle.write("x" * (9 * 1024 * 1024))
        handle.write('"}')
    [(_, path, message)] = [p for p in _problems(kb) if p[0] == "parse"]
    assert path == "dataset/imagenet-2012-val/.cm/meta.json" and "at most" in message


def test_deep_nesting_is_one_parse_error(kb: Path) -> None:
    _meta(kb).write_text("[" * 100_000 + "]" * 100_000)
    problems = _problems(kb)
    assert [p[0] for p in problems if p[1].startswith("dataset/imagenet")] == ["parse"]


def test_long_string_is_bounded_by_the_schema_not_a_crash(kb: Path) -> None:
    _meta(kb).write_text(json.dumps({"tags": ["dataset"], "name": "n" * 1_000_000}))
    [(code, _, message)] = [p for p in _problems(kb) if p[1].startswith("dataset/imagenet")]
    assert code == "schema" and "is too long" in message and len(message) < 400


def test_pathological_reference_string_is_rejected_quickly(kb: Path) -> None:
    meta = kb / "model" / "resnet50-v1.5" / ".cm" / "meta.json"
    meta.write_text(json.dumps({"tags": ["model"], "dataset_uoa": "a" * 200 + "!"}))
    codes = [p[0] for p in _problems(kb) if p[1].startswith("model/")]
    assert codes == ["schema"]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_symlinked_meta_is_refused(kb: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.json"
    secret.write_text('{"tags": ["stolen"]}')
    _meta(kb).unlink()
    _meta(kb).symlink_to(secret)
    problems = [p for p in _problems(kb) if p[1].startswith("dataset/imagenet")]
    assert len(problems) == 1 and problems[0][0] == "parse" and "link" in problems[0][2]


def test_remote_schema_keys_in_an_entry_are_never_fetched(kb: Path) -> None:
    _meta(kb).write_text(json.dumps({"$schema": "http://127.0.0.1:9/x.json", "$ref": "http://127.0.0.1:9/y.json",
                                     "tags": ["dataset"]}))  # fmt: skip
    assert _problems(kb) == []


def test_random_corruptions_never_raise_and_touch_only_their_own_file(kb: Path) -> None:
    import random

    rng = random.Random(11)
    meta = _meta(kb)
    original = meta.read_bytes()
    for _ in range(40):
        data = bytearray(original)
        for _ in range(rng.randint(1, 4)):
            action = rng.choice(["flip", "cut", "insert"])
            pos = rng.randrange(len(data))
            if action == "flip":
                data[pos] = rng.randrange(256)
            elif action == "cut":
                del data[pos:]
                if not data:
                    break
            else:
                data[pos:pos] = rng.choice([b"{", b"]", b'"', b"\\", b"\x00", b"\xff", b",", b"NaN", b"1e999"])
        meta.write_bytes(bytes(data))
        problems = _problems(kb)
        assert all(p[1].startswith("dataset/imagenet-2012-val/") for p in problems), problems
        own = [p for p in problems if p[1].startswith("dataset/imagenet-2012-val/")]
        assert len(own) <= 3, own
