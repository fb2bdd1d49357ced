"""kb new: an entry scaffolded from its schema is valid from the start, or nothing is written."""

from __future__ import annotations

from generator.ck.store import Repo


def test_missing_required_fields_are_listed_and_nothing_is_written(repo: Repo, run_cli) -> None:
    result = run_cli(["-R", str(repo.path), "new", "result", "r1"])
    assert result.exit_code == 2
    assert "a result entry needs: tags, benchmark, platform_uoa, metrics" in result.output
    assert not (repo.path / "result").exists()


def test_an_invalid_value_is_refused_before_writing(repo: Repo, run_cli) -> None:
    args = ["-R", str(repo.path), "new", "result", "r1", "--tags", "result", "--set", "benchmark=demo",
            "--set", "platform_uoa=board", "--set",
            'metrics={"latency": {"value": "fast", "unit": "ms", "direction": "lower"}}']  # fmt: skip
    result = run_cli(args)
    assert result.exit_code == 1
    assert "$.metrics.latency.value: 'fast' is not of type 'number'" in result.output
    assert repo.find("result", "r1") is None


def test_a_complete_entry_is_created_with_its_fields(repo: Repo, run_cli) -> None:
    result = run_cli(["-R", str(repo.path), "new", "model", "testrepo:mobilenet-v3", "--name", "MobileNet v3",
                      "--tags", "model,image-classification", "--set", "task=image-classification"])  # fmt: skip
    assert result.exit_code == 0, result.output
    entry = repo.load(repo.find("model", "mobilenet-v3"))
    assert entry.meta == {"tags": ["model", "image-classification"], "task": "image-classification"}
    assert entry.name == "MobileNet v3"


def test_on_a_terminal_missing_fields_are_asked_for(repo: Repo, monkeypatch) -> None:
    from click.testing import CliRunner

    import generator.cli.new as new_cli
    from generator.cli.main import cli

    monkeypatch.setattr(new_cli, "_interactive", lambda: True)
    answers = "platform,arm\n"  # a platform's tags are required (a CK dataset may go without)
    result = CliRunner().invoke(cli, ["-R", str(repo.path), "new", "platform", "imgs"], input=answers)
    assert result.exit_code == 0, result.output
    assert repo.load(repo.find("platform", "imgs")).meta["tags"] == ["platform", "arm"]
