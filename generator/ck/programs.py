"""What a CK program entry's meta says about running it (``run_cmds``), for kb run and the portal."""

from __future__ import annotations

import re
from typing import Any

PLACEHOLDER = re.compile(r"\$[#<].*?[#>]\$")  # $#BIN_FILE#$, $<<CK_ENV>>$: only CK's workflow can fill them


def default_run_command(meta: dict[str, Any]) -> str:
    """The text of ``run_cmds.default.run_time.run_cmd_main`` ('' when the program has none)."""
    run_cmds = meta.get("run_cmds")
    default = run_cmds.get("default") if isinstance(run_cmds, dict) else None
    run_time = default.get("run_time") if isinstance(default, dict) else None
    text = run_time.get("run_cmd_main") if isinstance(run_time, dict) else None
    return text.strip() if isinstance(text, str) else ""


def runs_without_ck(meta: dict[str, Any]) -> bool:
    """True when the default command is self-contained, so ``kb run`` can run it here."""
    command = default_run_command(meta)
    return bool(command) and PLACEHOLDER.search(command) is None
