"""The one output-path gate (generator/sitepaths.py, portal/sitefiles.py): reversible, collision-free
segments that keep ordinary names readable, keep the site's own names apart, and never leave the site."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.portal.sitefiles import SiteFolder, UnsafeOutput
from generator.sitepaths import (
    LISTING_NAMES,
    ROOT_NAMES,
    UnservableName,
    decode_segment,
    entry_url,
    is_servable,
    module_url,
    name_problem,
    relpath_problem,
    repo_entry_url,
    segment,
    segment_problem,
    tag_url,
)

FUZZ = settings(max_examples=600, deadline=None)
SEGMENT_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-~")


@pytest.mark.parametrize("name", ["resnet50-v1.5", "imagenet-2012-val", "R640_6248R", "lib.tflite", "x" * 250])
def test_ordinary_names_are_their_own_segments(name: str) -> None:
    assert segment(name) == name
    assert entry_url("model", name) == f"model/{name}/"


@pytest.mark.parametrize(("name", "expected"), [
    ("a b", "a~20b"), ("été", "~c3~a9t~c3~a9"), ("c++", "c~2b~2b"), (".hidden", "~2ehidden"),
    ("trailing.", "trailing~2e"), ("tilde~x", "tilde~7ex"), ("it's", "it~27s"),
])  # fmt: skip
def test_unusual_characters_become_tilde_hex_of_their_utf8_bytes(name: str, expected: str) -> None:
    assert segment(name) == expected
    assert decode_segment(expected) == name


@pytest.mark.parametrize("name", ["index.html", "404.html", "sitemap.xml", "search", "Search", "assets", "api",
                                  "feeds", "schemas", "tags", "repos", "uid", "_headers", "dashboards"])
def test_a_module_named_like_the_sites_own_folders_and_files_gets_another_folder(name: str) -> None:
    url = module_url(name)
    assert url.rstrip("/").lower() not in ROOT_NAMES and url.startswith("~")
    assert decode_segment(url.rstrip("/")) == name


@pytest.mark.parametrize("name", ["index.html", "rows.json", "rows.js", "INDEX.HTML"])
def test_an_entry_named_like_a_listings_files_gets_another_folder(name: str) -> None:
    url = entry_url("model", name)
    assert url.split("/")[1].lower() not in LISTING_NAMES
    assert decode_segment(url.split("/")[1]) == name


def test_windows_device_names_are_escaped() -> None:
    assert segment("con") == "~63on" and segment("NUL.txt") == "~4eUL.txt"


@pytest.mark.parametrize(("name", "reason"), [
    ("", "empty"), ("..", "'..'"), ("a/b", "path separator"), ("a\\b", "path separator"),
    ("../../../../tmp/x", "path separator"), ("a\nb", "U+000A"), ("a\u2028b", "U+2028"), ("a\u202eb", "U+202E"),
    ("a\ufffeb", "U+FFFE"), ("a\ud800", "not valid Unicode"), ("bad\udcff.txt", "not valid Unicode"),
    ('x"><svg onload=alert(1)>', "markup"), ("m" * 251, "at most 250"), ("é" * 42, "at most 250"),
])  # fmt: skip
def test_names_that_cannot_be_served_are_refused_with_the_reason(name: str, reason: str) -> None:
    assert reason in name_problem(name) and not is_servable(name)


@pytest.mark.parametrize("text", ["", "a\ud800", "bad\udcff.txt", "m" * 251, "é" * 42])
def test_texts_no_url_can_hold_have_no_segment(text: str) -> None:
    assert segment_problem(text)
    with pytest.raises(UnservableName, match="cannot be published"):
        segment(text)


def test_a_refusal_shows_the_name_as_printable_ascii() -> None:
    with pytest.raises(UnservableName) as caught:
        segment("x\n::warning::y\x1b[31m\ud800")
    assert "\n" not in caught.value.message and "\x1b" not in caught.value.message


def test_tags_differing_only_in_case_share_a_page_and_unservable_tags_have_none() -> None:
    assert tag_url("ResNet") == tag_url("resnet") == "tags/resnet/"
    assert tag_url("a\ud800") == "" and tag_url("") == ""
    assert tag_url("tensorflow/lite") == "tags/tensorflow~2flite/"  # a tag is a label, not a name: "/" is kept


def test_an_entry_of_a_second_repository_is_under_its_repository() -> None:
    assert repo_entry_url("ck-mlperf", "soft", "lib.tflite") == "repos/ck-mlperf/soft/lib.tflite/"


@given(st.text(max_size=300))
@FUZZ
def test_every_encodable_text_round_trips_through_a_safe_segment(name: str) -> None:
    if segment_problem(name):
        with pytest.raises(UnservableName):
            segment(name)
        return
    for reserved in (frozenset(), ROOT_NAMES, LISTING_NAMES):
        encoded = segment(name, reserved)
        assert decode_segment(encoded) == name
        assert set(encoded) <= SEGMENT_CHARS and len(encoded) <= 250
        assert encoded.lower() not in reserved and encoded not in (".", "..") and not encoded.startswith(".")
        assert relpath_problem(f"model/{encoded}/index.html") == ""


@given(st.lists(st.text(max_size=40), min_size=2, max_size=6, unique=True))
@FUZZ
def test_different_names_never_share_a_segment(names: list[str]) -> None:
    servable = [n for n in names if not segment_problem(n)]
    assert len({segment(n, ROOT_NAMES) for n in servable}) == len(servable)


@given(st.text(max_size=120))
@FUZZ
def test_paths_the_writers_accept_never_climb_or_leave_the_site(relpath: str) -> None:
    if relpath_problem(relpath):
        return
    parts = relpath.split("/")
    assert not relpath.startswith("/") and ".." not in parts and "." not in parts and "" not in parts
    assert os.path.normpath(relpath) == relpath


@pytest.mark.parametrize("relpath", ["../x", "a/../../x", "/etc/passwd", "a//b", "a\\b", "a/./b", "", "a b",
                                     "x\x00", "é/index.html"])
def test_the_site_folder_refuses_paths_that_could_leave_it(tmp_path: Path, relpath: str) -> None:
    site = SiteFolder(tmp_path / "site")
    with pytest.raises(UnsafeOutput):
        site.write(relpath, "x")
    assert not site.remove(relpath)
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_the_site_folder_refuses_a_folder_that_is_a_symlink_out_of_it(tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    (tmp_path / "outside").mkdir()
    (tmp_path / "site" / "model").symlink_to(tmp_path / "outside")
    with pytest.raises(UnsafeOutput, match="outside the site folder"):
        SiteFolder(tmp_path / "site").write("model/x/index.html", "x")
    assert list((tmp_path / "outside").iterdir()) == []


def test_the_site_folder_does_not_write_through_a_planted_file_symlink(tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").symlink_to(tmp_path / "target")
    with pytest.raises(UnsafeOutput):
        SiteFolder(tmp_path / "site").write("index.html", "x")
    assert not (tmp_path / "target").exists()
