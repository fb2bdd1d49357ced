"""Contribute in the browser: the forms of a model, a platform and a result, filled in Chromium, give files
that pass kb validate and equal what the kb command they show writes; a wrong value gets, next to its
field, the sentence kb validate prints for it."""

from __future__ import annotations

import io
import json
import shlex
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from generator.ck.layout import CM
from generator.ck.store import Repo
from generator.portal.builder import build_site

pytestmark = pytest.mark.browser

RunCli = Callable[..., Result]


CONFIG = "site_name: T\ntheme:\n  name: material\n  font: false\nplugins:\n  - kb:\n      repos: [fx]\n"


@pytest.fixture(scope="module")
def fixture_kb(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A valid Reef repository fx (a model, a data set, a platform, a result) and its site, shared by the
    module; tests copy fx before writing into it."""
    root = tmp_path_factory.mktemp("contribute")
    repo = Repo.init(root / "fx", "fx", url="https://github.com/example/fx")
    repo.add("model", "resnet", name="ResNet-50", meta={"tags": ["model"], "framework": "onnx"})
    repo.add("dataset", "imagenet", name="ImageNet", meta={"tags": ["dataset"]})
    repo.add("platform", "pi4", name="Raspberry Pi 4", meta={"tags": ["platform"]})
    fps = {"value": 3, "unit": "fps", "direction": "higher"}
    repo.add("result", "r1", name="ResNet on Pi", meta={"tags": ["result"], "benchmark": "b", "platform_uoa": "pi4",
                                                       "model_uoa": "resnet", "metrics": {"fps": fps}})  # fmt: skip
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text("# Home\n")
    (root / "mkdocs.yml").write_text(CONFIG)
    return root / "fx", build_site(root / "mkdocs.yml", site_dir=root / "site")


def _open(session: Any, serve_dir: Callable[[Path], str], site: Path, module: str) -> Any:
    page = session.page
    page.goto(serve_dir(site) + f"contribute/{module}/")
    page.wait_for_selector(".kb-contribute[data-ready]", state="attached")
    return page


def _fill(page: Any, values: dict[str, str]) -> None:
    for selector, value in values.items():
        if selector.startswith("check:"):
            page.check(selector[len("check:") :])
        elif selector.startswith("select:"):
            page.select_option(selector[len("select:") :], value)
        elif selector.startswith("click:"):
            page.click(selector[len("click:") :])
        else:
            page.fill(selector, value)


def _made(page: Any) -> tuple[dict[str, str], str, dict[str, str]]:
    """Submit; the files shown, the command shown and the files of the downloadable archive."""
    page.click("#kb-contribute-form button[type=submit]")
    page.wait_for_selector("#kb-contribute-out:not([hidden])")
    shown = {pre.get_attribute("data-path"): pre.inner_text() for pre in page.query_selector_all("pre.kb-out-file")}
    command = page.inner_text("#kb-out-cmd")
    with page.expect_download() as download:
        page.click("#kb-out-zip")
    assert download.value.suggested_filename.endswith(".zip")
    raw = Path(download.value.path()).read_bytes()
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        packed = {name: archive.read(name).decode("utf-8") for name in archive.namelist()}
    return shown, command, packed


def _run_shown_command(run_cli: RunCli, repo: Path, command: str) -> Result:
    """Run the kb command a page shows (a --meta - here-document becomes stdin) on one repository."""
    text, _, heredoc = command.partition(" <<'EOF'\n")
    args = shlex.split(text.replace("\\\n", " "))
    assert args[:2] == ["kb", "add"]
    return run_cli(["-R", str(repo), *args[1:]], input=heredoc.removesuffix("\nEOF") + "\n" if heredoc else None)


def _tree(repo: Path) -> dict[str, str]:
    files = {}
    for path in sorted(repo.rglob("*")):
        if path.is_file() and ".kb-" not in path.name and "/.git/" not in path.as_posix():
            files[path.relative_to(repo).as_posix()] = path.read_text(encoding="utf-8")
    return files


def _without_date(text: str) -> Any:
    data = json.loads(text)
    data.get("control", {}).pop("iso_datetime", None)
    return data


FORMS = {
    "model": {
        "#kb-id-alias": "resnet50-int8", "#kb-id-name": "ResNet-50 v1.5, INT8 (my calibration)",
        "#kb-f-tags": "model, image-classification,int8", "#kb-f-framework": "onnx",
        "#kb-f-precision": "int8", "#kb-f-dataset_uoa": "imagenet", "#kb-f-input_resolution": "224",
        "click:.kb-more summary": "", "#kb-f-authors": "Ada Lovelace\nCharles Babbage",
        "click:#kb-f-links .kb-add": "",
        "#kb-f-links-1-url": "https://example.org/model", "#kb-f-links-1-title": "home",
    },
    "platform": {
        "#kb-id-alias": "rk3399", "#kb-id-name": "Firefly RK3399", "#kb-f-tags": "platform,arm",
        "#kb-f-vendor": "Firefly", "#kb-f-processor": "Rockchip RK3399", "#kb-f-processor_count": "6",
        "check:#kb-f-form_factor input[value='\"edge\"']": "", "#kb-f-memory": "4 GiB",
        "#kb-f-extra": '{"cpu_freq_mhz": 1800.0, "notes.x": "a dotted key"}',
    },
    "result": {
        "#kb-id-alias": "resnet-on-pi4", "#kb-f-tags": "result", "#kb-f-benchmark": "mlperf-inference-v0.5",
        "#kb-f-scenario": "SingleStream", "#kb-f-platform_uoa": "pi4", "#kb-f-model_uoa": "resnet",
        "#kb-f-date": "2019-11-06", "click:#kb-f-metrics .kb-add": "", "#kb-f-metrics-1-key": "latency_ms",
        "#kb-f-metrics-1-value": "204.5", "#kb-f-metrics-1-unit": "ms", "select:#kb-f-metrics-1-direction": '"lower"',
        "click:#kb-f-software .kb-add": "", "#kb-f-software-2-name": "TFLite", "#kb-f-software-2-version": "1.15",
    },
    "solution": {  # lists of groups holding lists: a step and the entries it uses
        "#kb-id-alias": "resnet-on-pi", "#kb-id-name": "ResNet-50 on a Raspberry Pi", "#kb-f-tags": "solution, demo",
        "#kb-f-workflow": "program:classify", "#kb-f-model_uoa": "resnet", "#kb-f-dataset_uoa": "imagenet",
        "click:#kb-f-platforms > .kb-add": "", "#kb-f-platforms-1-module_uoa": "platform",
        "#kb-f-platforms-1-data_uoa": "pi4", "click:#kb-f-steps > .kb-add": "", "#kb-f-steps-2-title": "Classify",
        "#kb-f-steps-2-description": "Label the images", "click:#kb-f-steps-2-uses > .kb-add": "",
        "#kb-f-steps-2-uses-3-module_uoa": "model", "#kb-f-steps-2-uses-3-data_uoa": "resnet",
        "#kb-f-results-benchmark": "b\nmlperf",
    },
}


@pytest.mark.parametrize("module", sorted(FORMS))
def test_form_files_validate_and_equal_what_the_shown_kb_command_writes(
    module: str, fixture_kb: tuple[Path, Path], browser_page: Any, serve_dir: Any, run_cli: RunCli, tmp_path: Path
) -> None:
    repo, site = fixture_kb
    page = _open(browser_page, serve_dir, site, module)
    _fill(page, FORMS[module])
    shown, command, packed = _made(page)
    assert packed == shown, "the archive holds the files the page shows"
    by_form, by_kb = tmp_path / "by-form", tmp_path / "by-kb"
    shutil.copytree(repo, by_form)
    shutil.copytree(repo, by_kb)
    for relpath, text in packed.items():
        target = by_form / relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    checked = run_cli(["-R", str(by_form), "validate"])
    assert checked.exit_code == 0, checked.stdout
    ran = _run_shown_command(run_cli, by_kb, command)
    assert ran.exit_code == 0, ran.stderr
    made, wrote = _tree(by_form), _tree(by_kb)
    assert sorted(made) == sorted(wrote)
    for relpath in made:
        if relpath.endswith(f"{CM}/info.json"):
            assert _without_date(made[relpath]) == _without_date(wrote[relpath])
        else:
            assert made[relpath] == wrote[relpath], relpath
    assert browser_page.console_errors == []
    assert browser_page.external_requests == []


def test_a_type_new_to_the_repository_gets_its_module_alias_files_like_kb_add(
    fixture_kb: tuple[Path, Path], browser_page: Any, serve_dir: Any, run_cli: RunCli, tmp_path: Path
) -> None:
    repo, site = fixture_kb
    page = _open(browser_page, serve_dir, site, "paper")
    _fill(page, {"#kb-f-tags": "paper", "#kb-f-title": "MobileNets", "#kb-f-year": "2017"})
    shown, command, _ = _made(page)
    assert {".cm/alias-a-paper", ".cm/alias-u-208314998a44ddab"} <= set(shown), "CK's UID of the paper module"
    uid = page.input_value("#kb-id-uid")
    assert f"paper/{uid}/.cm/meta.json" in shown and not any("alias-a-" + uid in p for p in shown)
    by_kb = tmp_path / "by-kb"
    shutil.copytree(repo, by_kb)
    assert _run_shown_command(run_cli, by_kb, command).exit_code == 0
    assert (by_kb / ".cm" / "alias-u-208314998a44ddab").read_text() == shown[".cm/alias-u-208314998a44ddab"]
    assert (by_kb / "paper" / uid / CM / "meta.json").read_text() == shown[f"paper/{uid}/.cm/meta.json"]


WRONG = [  # (form, field to fill, value, JSON path kb validate names)
    ("model", "#kb-f-input_resolution", "large", "$.input_resolution"),
    ("model", "#kb-f-input_resolution", "0", "$.input_resolution"),
    ("model", "#kb-f-dataset_uoa", "image net", "$.dataset_uoa"),
    ("platform", "#kb-f-processor_count", "-1", "$.processor_count"),
    ("platform", "#kb-f-processor_count", "2.5", "$.processor_count"),
    ("result", "#kb-f-date", "11/06/2019", "$.date"),
    ("result", "#kb-f-benchmark", "", "$"),
]


@pytest.mark.parametrize(("module", "selector", "value", "json_path"), WRONG)
def test_a_wrong_value_shows_kb_validates_message_next_to_its_field(
    module: str, selector: str, value: str, json_path: str, fixture_kb: tuple[Path, Path], browser_page: Any,
    serve_dir: Any, run_cli: RunCli, tmp_path: Path,
) -> None:  # fmt: skip
    repo, site = fixture_kb
    page = _open(browser_page, serve_dir, site, module)
    good = {k: v for k, v in FORMS[module].items() if k != "#kb-f-extra"}
    _fill(page, {**good, selector: value})
    page.click("#kb-contribute-form button[type=submit]")
    slot = page.locator(selector + "-err")
    slot.wait_for(state="visible")
    assert page.get_attribute(selector, "aria-invalid") == "true"
    assert page.locator("#kb-contribute-out").is_hidden()
    # the same value written by kb add, then checked by kb validate
    meta = {"tags": ["x"], "benchmark": "b", "platform_uoa": "pi4", "metrics": {"m": {"value": 1, "unit": "ms",
            "direction": "lower"}}} if module == "result" else {"tags": ["x"]}  # fmt: skip
    key = selector.removeprefix("#kb-f-")
    if value:
        meta[key] = json.loads(value) if value.lstrip("-").replace(".", "", 1).isdigit() else value
    else:
        meta.pop(key, None)
    target = tmp_path / "fx"
    shutil.copytree(repo, target)
    meta_file = tmp_path / "meta.json"
    meta_file.write_text(json.dumps(meta))
    assert run_cli(["-R", str(target), "add", f"{module}:wrong", "--meta", str(meta_file)]).exit_code == 0
    report = json.loads(run_cli(["-R", str(target), "validate", "--format", "json"]).stdout)
    messages = [d["message"] for d in report["diagnostics"] if d["json_path"] == json_path and d["code"] == "schema"]
    assert messages and slot.inner_text() == messages[0]


def test_reference_fields_offer_entries_of_their_type_from_the_search_index(
    fixture_kb: tuple[Path, Path], browser_page: Any, serve_dir: Any
) -> None:
    _, site = fixture_kb
    page = _open(browser_page, serve_dir, site, "result")
    page.locator("#kb-f-platform_uoa").type("rasp")
    page.locator("#kb-f-platform_uoa-options option").first.wait_for(state="attached")
    options = page.eval_on_selector_all("#kb-f-platform_uoa-options option", "os => os.map(o => [o.value, o.label])")
    assert options == [["pi4", "Raspberry Pi 4 (platform)"]]


def test_alias_and_uid_are_checked_with_kbs_own_words(
    fixture_kb: tuple[Path, Path], browser_page: Any, serve_dir: Any
) -> None:
    from generator.ck.ids import check_name
    from generator.errors import InvalidName

    _, site = fixture_kb
    page = _open(browser_page, serve_dir, site, "platform")
    _fill(page, {"#kb-f-tags": "platform", "#kb-id-alias": "../etc", "#kb-id-uid": "XYZ"})
    page.click("#kb-contribute-form button[type=submit]")
    page.locator("#kb-id-alias-err").wait_for(state="visible")
    with pytest.raises(InvalidName) as raised:
        check_name("../etc", "entry")
    assert page.inner_text("#kb-id-alias-err") == raised.value.message
    assert page.inner_text("#kb-id-uid-err") == "invalid UID 'XYZ': a UID is 16 lowercase hexadecimal digits"


def _json_values() -> Any:
    from hypothesis import strategies as st

    scalars = (st.none() | st.booleans() | st.integers(-(10**20), 10**20)
               | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=12))  # fmt: skip
    return st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                        max_size=3), max_leaves=8)  # fmt: skip


def test_browser_json_and_repr_are_pythons_for_any_value(
    fixture_kb: tuple[Path, Path], browser_page: Any, serve_dir: Any
) -> None:
    """What kb-pyjson.js writes is dumps_ck's text, and its repr() is Python's (the words of every message)."""
    from hypothesis import HealthCheck, given, settings

    from generator.ck.jsonio import dumps_ck

    _, site = fixture_kb
    page = _open(browser_page, serve_dir, site, "model")

    def sorted_repr(value: Any) -> str:  # a value as read back from a file: dict keys in sorted order
        if isinstance(value, dict):
            return "{" + ", ".join(f"{k!r}: {sorted_repr(value[k])}" for k in sorted(value)) + "}"
        if isinstance(value, list):
            return "[" + ", ".join(sorted_repr(v) for v in value) + "]"
        return repr(value)

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(_json_values())
    def check(value: Any) -> None:
        try:
            expected = dumps_ck(value)
        except Exception:  # lone surrogates: kb refuses to write them, nothing to compare
            return
        text = json.dumps(value)
        got = page.evaluate("t => [kbPyJson.dumps(kbPyJson.parse(t)), kbPyJson.repr(kbPyJson.parse(t))]", text)
        assert got == [expected, sorted_repr(value)]

    check()


NAMES = ["ok-name", "", ".", "a..b", "x/y", "tab\there", "naïve", "a:b", ".hidden", "trailing.", " lead", "com1.txt",
         "Aux", "x" * 260]


def test_browser_name_rules_are_kbs(fixture_kb: tuple[Path, Path], browser_page: Any, serve_dir: Any) -> None:
    from generator.ck.ids import name_problem

    _, site = fixture_kb
    page = _open(browser_page, serve_dir, site, "model")
    assert page.evaluate("names => names.map(kbCkFiles.nameProblem)", NAMES) == [name_problem(n) for n in NAMES]


def test_the_form_works_from_the_built_site_opened_as_a_file(fixture_kb: tuple[Path, Path], browser_page: Any) -> None:
    _, site = fixture_kb
    page = browser_page.page
    page.goto((site / "contribute" / "dataset" / "index.html").as_uri())
    page.wait_for_selector(".kb-contribute[data-ready]", state="attached")
    _fill(page, {"#kb-id-alias": "coco-2017-val", "#kb-f-tags": "dataset,coco", "#kb-f-size": "5000",
                 "#kb-f-task": "object-detection"})  # fmt: skip
    shown, command, packed = _made(page)
    assert packed == shown and "dataset/coco-2017-val/.cm/meta.json" in shown
    assert json.loads(shown["dataset/coco-2017-val/.cm/meta.json"])["size"] == 5000
    assert "--set size=5000" in command
    assert browser_page.console_errors == []
