"""What a CK experiment's own meta says about where and with what it ran: the platform (plat_name,
CPU, GPU, OS, price, power, class), the model (species, design, multiplier and resolution) and the
framework. Shared by CK dashboard rows (``##meta#…`` keys) and CK experiment entries (``meta``)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from generator.importers.common import DATASETS, ensure_dataset
from generator.importers.mobilenets import ensure_model as ensure_mobilenet
from generator.importers.naming import plain_text, slugify, stable_uid
from generator.importers.sink import EntrySink

NAMESPACE = "ck-pipeline"
_RAW_CPU = re.compile(r"^(0x[0-9a-f]+-\S+\s*(;\s*)?)+$", re.IGNORECASE)  # '0x41-8-0x0-0xd03-4 ; 0x41-…'
_TRAILING_NOTE = re.compile(r"^(?P<outer>.*?)\s*\((?P<inner>.*)\)\s*$")
PLATFORM_KEYS = ("plat_name", "platform_name", "platform", "device_name", "machine", "system", "host_name")
CLASSES = {"server": "datacenter", "cloud": "datacenter", "datacenter": "datacenter", "fpga": "embedded",
           "embedded": "embedded", "mobile": "mobile", "phone": "mobile", "desktop": "desktop",
           "laptop": "desktop", "workstation": "desktop", "edge": "edge", "iot": "embedded"}  # fmt: skip
FRAMEWORKS = {"arm compute library": "ArmCL", "arm compute": "ArmCL", "bvlc caffe": "Caffe", "caffe": "Caffe",
              "tensorflow": "TensorFlow", "tensorflow lite": "TFLite", "mxnet": "MXNet", "tvm": "TVM",
              "pytorch": "PyTorch", "nnvm": "NNVM"}  # fmt: skip
_LIBRARY = re.compile(r"^(?P<name>.+?)(?:\s+(?:library|framework|lib))?\s*(?:\((?P<variant>[^)]*)\))?"
                      r"\s*(?P<version>[^()\s]\S*)?(?:\s*\([0-9a-f]+\))?\s*$", re.IGNORECASE)  # fmt: skip
_MOBILENET_PATTERNS = (
    re.compile(r"mobilenet-(?P<m>\d+(?:\.\d+)?)-(?P<r>\d+)", re.IGNORECASE),  # (mobilenet-1.0-224)
    re.compile(r"\b(?P<v>[12])_(?P<m>\d+(?:\.\d+)?)_(?P<r>\d+)\b"),  # MobileNet weights 1_0.50_160
    re.compile(r"mobilenet,\s*(?P<m>\d+(?:\.\d+)?)\)", re.IGNORECASE),  # (mxnet, mobilenet, 1.0)
)


def text(meta: Mapping[str, Any], key: str) -> str:
    """A meta value as clean one-line text ('' for None, lists, dicts)."""
    value = meta.get(key)
    if value is None or isinstance(value, (bool, dict, list)):
        return ""
    return plain_text(str(value))


def number(meta: Mapping[str, Any], key: str) -> float | None:
    """A meta value as a positive finite number (numbers written as text count), else None."""
    value = meta.get(key)
    if isinstance(value, bool):
        return None
    try:
        found = float(value) if isinstance(value, (int, float, str)) and str(value).strip() else None
    except ValueError:
        return None
    return found if found is not None and 0 < found < float("inf") else None


def platform_name(meta: Mapping[str, Any]) -> str:
    """The platform's name from the meta: 'HiKey960 (HiKey960)' → 'HiKey960',
    'Raspberry Pi (Raspberry Pi 3 Model B)' → 'Raspberry Pi 3 Model B'."""
    raw = next((t for k in PLATFORM_KEYS if (t := text(meta, k))), "")
    match = _TRAILING_NOTE.match(raw)
    if not match or not match["outer"] or match["inner"].count("(") != match["inner"].count(")"):
        return raw
    outer, inner = match["outer"].strip(), match["inner"].strip()
    if outer.casefold() == inner.casefold() or inner.casefold().startswith(outer.split()[0].casefold()):
        return inner
    return f"{outer} {inner}"


def cpu_name(meta: Mapping[str, Any]) -> str:
    """The CPU's name, unless the meta only has raw CPU ids ('0x41-8-0x0-0xd03-4')."""
    name = text(meta, "cpu_name")
    return "" if _RAW_CPU.match(name) else name


def platform_class(meta: Mapping[str, Any]) -> str:
    """One of the platform schema's form factors, from platform_species or similar."""
    for key in ("platform_species", "platform_class", "form_factor"):
        species = text(meta, key).casefold()
        for word, found in CLASSES.items():
            if word in species:
                return found
    return ""


@dataclass(frozen=True)
class Platform:
    """The platform entry linked or created, and the figures its results carry."""

    alias: str
    name: str
    price: float | None
    power: float | None


def ensure_platform(sink: EntrySink, meta: Mapping[str, Any], fallback: str = "") -> Platform | None:
    """Link to or create the platform the meta names (None when it names none and no fallback)."""
    name = platform_name(meta) or cpu_name(meta) or fallback
    if not name:
        return None
    entry: dict[str, Any] = {"tags": ["platform", "ck"], "name": name}
    accelerator = text(meta, "gpgpu_name") or text(meta, "gpu_name")
    for key, value in (("processor", cpu_name(meta)), ("accelerator", accelerator), ("os", text(meta, "os_name"))):
        if value:
            entry[key] = value
    if kind := platform_class(meta):
        entry["form_factor"] = [kind]
    price, power = number(meta, "platform_price"), number(meta, "platform_peak_power")
    if price is not None:
        entry["price_usd"] = price
    if power is not None:
        entry["peak_power_w"] = power
    alias = slugify(name) or "unknown-platform"
    found = sink.find_alias("platform", alias) or sink.find_similar("platform", name)
    if found and found != alias:
        return Platform(sink.link("platform", found), name, price, power)
    uid = stable_uid(NAMESPACE, "platform", alias)
    return Platform(sink.ensure("platform", alias, uid=uid, meta=entry, name=name), name, price, power)


def run_accelerator(meta: Mapping[str, Any]) -> str:
    """The accelerator a run used, from its own meta: the GPU it names, 'GPU (CUDA)'/'GPU (OpenCL)' when
    its library ran there without naming one, 'FPGA' on an FPGA board, 'none' when its library ran
    on the CPU (a board's GPU is not named for a run that did not use it), '' when the meta does not tell."""
    if named := text(meta, "gpgpu_name") or text(meta, "gpu_name"):
        return named
    library = text(meta, "library_name").casefold()
    for word, label in (("cuda", "GPU (CUDA)"), ("opencl", "GPU (OpenCL)")):
        if word in library:
            return label
    if "fpga" in (text(meta, "platform_species") + " " + text(meta, "plat_name")).casefold():
        return "FPGA"
    return "none" if "cpu" in library or "intel" in library else ""


def framework(meta: Mapping[str, Any]) -> tuple[str, str]:
    """(framework, version) from library_name: 'TensorFlow library (from sources, cpu) 1.7' →
    ('TensorFlow', '1.7 (from sources, cpu)'); 'BVLC Caffe framework (intel, request) request-92110fe
    (92110fe)' → ('Caffe', 'request-92110fe (intel, request)')."""
    raw = text(meta, "library_name")
    if not raw:  # a model for one runtime names it in its design ('VTA model (net and weights) …')
        found = re.match(r"^([A-Za-z][\w.+-]*) model\b", text(meta, "model_design_name"))
        return (FRAMEWORKS.get(found[1].casefold(), found[1]), "") if found else ("", "")
    match = _LIBRARY.match(raw)
    if not match:
        return raw, ""
    base = match["name"].strip()
    name = FRAMEWORKS.get(base.casefold(), base)
    variant = f"({match['variant'].strip()})" if match["variant"] and match["variant"].strip() else ""
    return name, " ".join(p for p in (match["version"] or "", variant) if p)


def _mobilenet_label(meta: Mapping[str, Any], env: Mapping[str, Any]) -> str | None:
    """'v1-0.5-160' for a MobileNet, from the environment or the model's design name."""
    multiplier = env.get("CK_ENV_MOBILENET_WIDTH_MULTIPLIER") or env.get("CK_ENV_TENSORFLOW_MODEL_MOBILENET_MULTIPLIER")
    resolution = env.get("CK_ENV_MOBILENET_RESOLUTION") or env.get("CK_ENV_TENSORFLOW_MODEL_MOBILENET_RESOLUTION")
    version = "1"
    design = text(meta, "model_design_name")
    for pattern in _MOBILENET_PATTERNS:
        if match := pattern.search(design):
            groups = match.groupdict()
            multiplier = multiplier or groups.get("m")
            resolution = resolution or groups.get("r") or 224
            version = groups.get("v") or version
            break
    if multiplier is None:
        return None
    try:
        return f"v{version}-{float(multiplier)}-{int(float(resolution or 224))}"
    except (TypeError, ValueError):
        return None


def ensure_model(sink: EntrySink, meta: Mapping[str, Any], env: Mapping[str, Any], task: str) -> tuple[str, str]:
    """Link to or create the model the meta names: (alias, name), ('', '') when it names none."""
    species = text(meta, "model_species")
    if not species:
        return "", ""
    dataset = ensure_dataset(sink, task, NAMESPACE) if task in DATASETS else ""
    if "mobilenet" in species.casefold() and (label := _mobilenet_label(meta, env)):
        version, multiplier, resolution = label[1:].split("-")
        return ensure_mobilenet(sink, label, dataset), f"MobileNet v{version} {multiplier} {resolution}"
    alias = slugify(species)
    if not alias:
        return "", ""
    entry: dict[str, Any] = {"tags": ["model", *([task] if task else [])], "name": species, "architecture": species}
    if task:
        entry["task"] = task
    if dataset:
        entry["dataset_uoa"] = dataset
    return sink.ensure("model", alias, uid=stable_uid(NAMESPACE, "model", alias), meta=entry, name=species), species
