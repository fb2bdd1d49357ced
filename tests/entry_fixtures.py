"""A small fixture KB with one entry per interesting type, committed to a real Git repository."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import git

from generator.ck.store import Repo

WEB_URL = "https://github.com/example/fx"
ALICE = git.Actor("Alice Adder", "alice@example.org")
BOB = git.Actor("Bob Changer", "bob@example.org")
README = """# ResNet-50 v1.5

The **classic** residual network. See [the paper](https://arxiv.org/abs/1512.03385).

![Figure](fig.png)

| Top-1 | Top-5 |
| --- | --- |
| 76.1 | 92.9 |
"""
MLPERF_DETAILS = '<a href="https://github.com/mlperf/inference_results_v0.5/blob/master/closed/x.json">Link</a>'


def _commit(repo: git.Repo, message: str, author: git.Actor, when: str) -> git.Commit:
    repo.git.add(A=True)
    date = dt.datetime.fromisoformat(when)
    return repo.index.commit(message, author=author, committer=author, author_date=date, commit_date=date)


def add_entries(repo: Repo) -> None:
    """The fixture entries (a model with files, its dataset, a result, a program, ...)."""
    repo.add("dataset", "imagenet-2012-val", name="ImageNet 2012 validation",
             meta={"tags": ["dataset", "imagenet", "image-classification"], "size": 50000,
                   "task": "image-classification", "url": "https://image-net.org/"})
    model = repo.add("model", "resnet50-v1.5", name="ResNet-50 v1.5", meta={
        "tags": ["model", "image-classification", "resnet"], "task": "image-classification",
        "framework": "onnx", "architecture": "ResNet-50", "input_resolution": 224, "precision": "fp32",
        "dataset_uoa": "imagenet-2012-val", "license": "Apache-2.0",
        "training": {"epochs": 90, "optimizer": {"name": "sgd", "momentum": 0.9}},
        "files": ["resnet50.onnx", "labels.txt"],
    })
    folder = model.ref.path
    (folder / "README.md").write_text(README, encoding="utf-8")
    (folder / "fig.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 16)
    (folder / "notes.txt").write_text("notes\n", encoding="utf-8")
    (folder / "evil.html").write_text("<script>window.__xss=1</script>", encoding="utf-8")
    (folder / "run.js").write_text("window.__xss=1\n", encoding="utf-8")
    repo.add("platform", "firefly-rk3399", name="Firefly RK3399",
             meta={"tags": ["platform", "arm"], "vendor": "Firefly", "processor": "Rockchip RK3399",
                   "memory": "4 GB"})
    repo.add("soft", "lib-tflite", name="TensorFlow Lite library",
             meta={"tags": ["lib", "tflite"], "soft_name": "TensorFlow Lite"})
    repo.add("program", "image-classification-tflite", meta={
        "tags": ["program", "image-classification", "tflite"], "main_language": "cpp",
        "run_cmds": {"default": {"run_time": {"run_cmd_main": "$#BIN_FILE#$"}}},
        "compile_deps": {"lib-tflite": {"tags": "lib,tflite", "name": "TFLite"},
                         "lib-missing": {"tags": "lib,nothing-has-this", "name": "Missing"}},
    })  # fmt: skip
    repo.add("result", "r2", meta=_result("2019-10-01"))
    old = _result("2019-09-01")
    old["status"] = {"state": "superseded", "reason": "rerun with fixed firmware", "superseded_by": "r2"}
    repo.add("result", "r1", meta=old)
    repo.add("docker", "ubuntu-ck", meta={"tags": ["docker"], "cmd": "docker build ."})
    repo.add("paper", "resnet-paper", meta={
        "tags": ["paper", "resnet"], "title": "Deep Residual Learning for Image Recognition",
        "authors": ["K. He", "X. Zhang"], "venue": "CVPR", "year": 2016, "doi": "10.1109/CVPR.2016.90",
    })


def _result(date: str) -> dict[str, object]:
    return {
        "tags": ["result", "mlperf", "image-classification"],
        "benchmark": "mlperf-inference-v0.5/image-classification", "scenario": "SingleStream",
        "platform_uoa": "firefly-rk3399", "model_uoa": "resnet50-v1.5", "dataset_uoa": "imagenet-2012-val",
        "program_uoa": "no-such-program", "submitter": "dividiti", "date": date,
        "software": [{"name": "tflite", "version": "1.15"}],
        "metrics": {"latency": {"value": 12.5, "unit": "ms", "direction": "lower"},
                    "accuracy_top1": {"value": 76.1, "unit": "%", "direction": "higher"}},
        "source": {"name": "MLPerf", "url": "https://mlperf.org/", "row": {"Details": MLPERF_DETAILS}},
    }  # fmt: skip


def make_fixture_kb(root: Path) -> Path:
    """Create the KB as its own Git repository: Alice adds everything, Bob later edits the model."""
    folder = root / "fx"
    repo = Repo.init(folder, "fx", url=WEB_URL)
    add_entries(repo)
    g = git.Repo.init(folder, initial_branch="main")
    _commit(g, "Add entries", ALICE, "2024-01-02T10:00:00+00:00")
    meta = folder / "model" / "resnet50-v1.5" / ".cm" / "meta.json"
    meta.write_text(meta.read_text(encoding="utf-8").replace('"fp32"', '"fp16"'), encoding="utf-8")
    _commit(g, "Use fp16", BOB, "2024-03-04T10:00:00+00:00")
    return folder


def write_site_config(root: Path, repo_names: list[str]) -> Path:
    """An mkdocs.yml (Material, no fonts) listing the given repositories."""
    (root / "docs").mkdir(exist_ok=True)
    (root / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    config = root / "mkdocs.yml"
    repos = ", ".join(repo_names)
    config.write_text("site_name: T\ntheme:\n  name: material\n  font: false\n"
                      f"plugins:\n  - kb:\n      repos: [{repos}]\n", encoding="utf-8")  # fmt: skip
    return config
