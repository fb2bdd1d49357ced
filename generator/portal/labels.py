"""Field labels for readers: the title (and unit) a JSON Schema gives a meta key, else words made from the key.

Pages never show a raw key such as ``dataset_uoa`` or a JSON path such as ``$.model_uoa``: the
schema of the entry's type says what the field is called (``"title": "Data set"``); a key no
schema knows becomes plain words (``processor_count`` → "Processor count"). Keys that are data
rather than field names — environment variables such as ``CK_LOADGEN_MODE`` in a program's run
settings — are left as they are, because that is what a reader types.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from generator.schema.loader import COMMON, load_schemas

Node = Mapping[str, Any]

_WORDS = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
_REFERENCE_SUFFIXES = ("_uoa_list", "_uoa", "_uid", "_data_uoa")
_SPELLED = {
    "os": "OS", "cpu": "CPU", "gpu": "GPU", "tpu": "TPU", "npu": "NPU", "dsp": "DSP", "url": "URL",
    "urls": "URLs", "uid": "UID", "uids": "UIDs", "id": "ID", "ids": "IDs", "ck": "CK", "api": "API",
    "json": "JSON", "html": "HTML", "ml": "ML", "cuda": "CUDA", "ram": "RAM", "io": "I/O", "soc": "SoC",
    "mlperf": "MLPerf", "onnx": "ONNX", "cmd": "command", "cmds": "commands", "env": "environment",
    "deps": "dependencies", "dep": "dependency", "dir": "folder", "dirs": "folders", "tmp": "temporary",
    "desc": "description", "vars": "variables", "var": "variable", "lib": "library", "libs": "libraries",
    "misc": "other", "num": "number", "cfg": "configuration", "conf": "configuration", "info": "information",
    "src": "source", "uoa": "entry", "params": "parameters", "param": "parameter", "max": "maximum",
    "min": "minimum", "dataset": "data set", "datasets": "data sets", "soft": "software",
}  # fmt: skip
_DATA_KEY = re.compile(r"^[A-Z][A-Z0-9_]*$")  # an environment variable or constant: shown as typed


@dataclass(frozen=True)
class Label:
    """What a field is called on a page, and the unit its values are in ('' when none)."""

    text: str
    unit: str = ""


def is_data_key(key: str) -> bool:
    """True for keys that are names a reader types (``CK_ENV_LIB``), not field names to translate."""
    return bool(_DATA_KEY.match(key)) and ("_" in key or len(key) > 3)


@functools.lru_cache(maxsize=4096)
def readable(key: str) -> str:
    """Plain words for a key no schema titles: ``processor_count`` → "Processor count"."""
    stem = key
    for suffix in _REFERENCE_SUFFIXES:
        if stem.endswith(suffix) and len(stem) > len(suffix):
            stem = stem[: -len(suffix)]
            break
    words = [_SPELLED.get(w.lower(), w.lower() if not w.isupper() or len(w) <= 1 else w)
             for w in _WORDS.findall(stem)]  # fmt: skip
    words = [w for w in words if w]
    if not words:
        return key.strip() or "Value"
    text = " ".join(words)
    return text[0].upper() + text[1:]


class SchemaLabels:
    """Walks the schema of an entry's type alongside its meta to label each field."""

    def __init__(self, documents: Mapping[str, Node]) -> None:
        self.documents = documents

    def root(self, module: str) -> Node | None:
        """The schema of a module (the common one for types without their own)."""
        return self.documents.get(module) or self.documents.get(COMMON)

    def _resolve(self, node: Node, doc: str) -> tuple[Node, str]:
        ref = node.get("$ref")
        if not isinstance(ref, str):
            return node, doc
        target, _, pointer = ref.partition("#")
        name = target.removesuffix(".schema.json").rsplit("/", 1)[-1] if target else doc
        found: Any = self.documents.get(name, {})
        for part in filter(None, pointer.split("/")):
            found = found.get(part, {}) if isinstance(found, Mapping) else {}
        if not isinstance(found, Mapping):
            return node, doc
        return {**found, **{k: v for k, v in node.items() if k != "$ref"}}, name

    def child(self, parent: Node | None, key: str, doc: str) -> tuple[Node | None, str]:
        """The schema node of ``key`` inside an object node (``allOf`` parts and ``$ref`` followed)."""
        if parent is None:
            return None, doc
        parent, doc = self._resolve(parent, doc)
        for candidate, where in [(parent, doc), *self._all_of(parent, doc)]:
            props = candidate.get("properties")
            if isinstance(props, Mapping) and isinstance(props.get(key), Mapping):
                return self._resolve(props[key], where)
        extra = parent.get("additionalProperties")
        if isinstance(extra, Mapping):
            return self._resolve(extra, doc)
        return None, doc

    def _all_of(self, node: Node, doc: str) -> list[tuple[Node, str]]:
        parts = node.get("allOf")
        found = []
        for part in parts if isinstance(parts, list) else ():
            if isinstance(part, Mapping):
                found.append(self._resolve(part, doc))
        return found

    def item(self, parent: Node | None, doc: str) -> tuple[Node | None, str]:
        """The schema node of an array's items."""
        if parent is None:
            return None, doc
        parent, doc = self._resolve(parent, doc)
        items = parent.get("items")
        return self._resolve(items, doc) if isinstance(items, Mapping) else (None, doc)

    def label(self, parent: Node | None, key: str, doc: str) -> Label:
        """The label of ``key`` in an object: its schema title and unit, else words from the key."""
        node, _ = self.child(parent, key, doc)
        title = node.get("title") if node is not None else None
        named = node is not None and self._names(parent, key, doc)
        if isinstance(title, str) and title.strip() and named:
            unit = node.get("unit") if node is not None else ""
            return Label(title.strip(), unit if isinstance(unit, str) else "")
        return Label(readable(key))

    def _names(self, parent: Node | None, key: str, doc: str) -> bool:
        """True when the schema names ``key`` itself (not only ``additionalProperties`` covering it)."""
        if parent is None:
            return False
        parent, doc = self._resolve(parent, doc)
        for candidate, _ in [(parent, doc), *self._all_of(parent, doc)]:
            props = candidate.get("properties")
            if isinstance(props, Mapping) and key in props:
                return True
        return False

    def top(self, module: str, key: str) -> Label:
        """The label of a top-level meta key of an entry of ``module``."""
        root = self.root(module)
        return self.label(root, key, module if module in self.documents else COMMON)


@functools.lru_cache(maxsize=1)
def schema_labels() -> SchemaLabels:
    """Labels from the schemas shipped with the package (loaded once per process)."""
    return SchemaLabels(load_schemas().documents)


_PATH_PART = re.compile(r"\.([^.\[\]]+)|\[(\d+)\]")
_IMPLIED_LEAVES = frozenset({"tags", "or_tags", "data_uoa", "module_uoa"})
DEP_BLOCKS = frozenset({"deps", "compile_deps", "run_deps"})  # as ck.references.DEP_KEYS


def dependency_name(local: str, dep: Any) -> str:
    """How a CK dependency is called: its ``name``, else words from its local key."""
    name = dep.get("name") if isinstance(dep, Mapping) else None
    return name.strip() if isinstance(name, str) and name.strip() else readable(local)


def path_label(module: str, json_path: str, meta: Mapping[str, Any]) -> str:
    """Where in an entry a reference sits, in words: ``$.compile_deps.compiler.tags`` of a program →
    "Needs to compile › C++ compiler" (a dependency is called by its name)."""
    parts = [(key, int(index) if index else None) for key, index in _PATH_PART.findall(json_path)]
    if len(parts) > 1 and parts[-1][0] in _IMPLIED_LEAVES:
        parts = parts[:-1]
    labels = schema_labels()
    doc = module if module in labels.documents else COMMON
    node: Node | None = labels.root(module)
    value: Any = meta
    words: list[str] = []
    in_deps = False
    for key, index in parts:
        if index is not None:
            node, doc = labels.item(node, doc)
            value = value[index] if isinstance(value, list) and index < len(value) else None
            words.append(f"item {index + 1}")
            continue
        child = value.get(key) if isinstance(value, Mapping) else None
        if in_deps:
            words.append(dependency_name(key, child))
        elif is_data_key(key):
            words.append(key)
        else:
            words.append(labels.label(node, key, doc).text)
        in_deps = key in DEP_BLOCKS
        node, doc = labels.child(node, key, doc)
        value = child
    return " › ".join(words) if words else "the entry"


_TYPES = {
    "model": ("Model", "Models"), "dataset": ("Data set", "Data sets"), "platform": ("Platform", "Platforms"),
    "program": ("Program", "Programs"), "result": ("Result", "Results"), "package": ("Package", "Packages"),
    "soft": ("Software detection plugin", "Software detection plugins"), "script": ("Script", "Scripts"),
    "experiment": ("Experiment", "Experiments"), "solution": ("Solution", "Solutions"), "paper": ("Paper", "Papers"),
    "env": ("Installed environment", "Installed environments"), "os": ("Operating system", "Operating systems"),
    "compiler": ("Compiler", "Compilers"), "module": ("CK module", "CK modules"),
    "cmdgen": ("Command generator", "Command generators"), "docker": ("Docker image", "Docker images"),
    "jnotebook": ("Jupyter notebook", "Jupyter notebooks"), "sut": ("System under test", "Systems under test"),
    "dashboard": ("Dashboard", "Dashboards"), "repo": ("Repository", "Repositories"),
}  # fmt: skip


def type_name(module: str) -> str:
    """What one entry of a module is called: ``soft`` → "Software detection plugin"."""
    known = _TYPES.get(module)
    return known[0] if known else readable(module)


def type_plural(module: str) -> str:
    """What a listing of a module is called: ``dataset`` → "Data sets" (unknown types: "Foo entries")."""
    known = _TYPES.get(module)
    return known[1] if known else f"{readable(module)} entries"


def counted(module: str, count: int) -> str:
    """``2 results``, ``1 data set``, ``3 CK modules``: a count of entries of a module, in words."""
    words = type_name(module) if count == 1 else type_plural(module)
    first = words.split(" ", 1)[0]
    if not (first.isupper() and len(first) > 1):
        words = words[0].lower() + words[1:]
    return f"{count:,} {words}"
