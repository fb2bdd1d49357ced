"""Describe the machine a benchmark runs on (stdlib only), with a stable fingerprint to match entries."""

from __future__ import annotations

import hashlib
import os
import platform
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class PlatformInfo:
    """What ``kb run`` records about the machine: CPU, cores, memory, OS, Python, accelerators."""

    processor: str
    cores: int
    memory_gib: float
    os: str
    machine: str
    python: str
    accelerators: tuple[str, ...] = ()

    @property
    def fingerprint(self) -> str:
        """16 hex digits that stay the same across runs on the same hardware and OS (not Python)."""
        key = "|".join([self.processor, str(self.cores), f"{self.memory_gib:.0f}", self.os, self.machine,
                        *self.accelerators])  # fmt: skip
        return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]

    @property
    def title(self) -> str:
        """A readable platform name: processor, cores and accelerator."""
        accel = f" + {self.accelerators[0]}" if self.accelerators else ""
        return f"{self.processor} ({self.cores} cores){accel}"

    def meta(self) -> dict[str, object]:
        """The platform entry's meta (schema ``platform``)."""
        meta: dict[str, object] = {
            "tags": ["platform", "detected", "kb-run", self.machine.lower()],
            "name": self.title, "processor": self.processor, "processor_count": 1, "cores": self.cores,
            "memory": f"{self.memory_gib:.1f} GiB", "os": self.os, "fingerprint": self.fingerprint,
        }  # fmt: skip
        if self.accelerators:
            meta.update(accelerator=self.accelerators[0], accelerator_count=len(self.accelerators))
        return meta


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").splitlines():
            key, _, value = line.partition(":")
            if key.strip() in ("model name", "Hardware", "Processor", "cpu model") and value.strip():
                return re.sub(r"\s+", " ", value.strip())
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown processor"


def _memory_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / (1024 * 1024)
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    except (ValueError, OSError, AttributeError):
        return 0.0


def _os_name() -> str:
    try:
        release = platform.freedesktop_os_release()
        return release.get("PRETTY_NAME") or release.get("NAME") or platform.system()
    except OSError:
        return f"{platform.system()} {platform.release()}".strip()


def _accelerators() -> tuple[str, ...]:
    """GPU names reported by nvidia-smi, when the tool is installed."""
    tool = shutil.which("nvidia-smi")
    if tool is None:
        return ()
    try:
        done = subprocess.run([tool, "--query-gpu=name", "--format=csv,noheader"], capture_output=True,
                              text=True, timeout=10, check=False)  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return ()
    return tuple(line.strip() for line in done.stdout.splitlines() if line.strip()) if done.returncode == 0 else ()


def detect_platform() -> PlatformInfo:
    """Read this machine's description."""
    return PlatformInfo(processor=_cpu_model(), cores=os.cpu_count() or 1, memory_gib=round(_memory_gib(), 1),
                        os=_os_name(), machine=platform.machine() or "unknown",
                        python=platform.python_version(), accelerators=_accelerators())  # fmt: skip
