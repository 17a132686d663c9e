"""``--state FILE``: the whole organization saved as one JSON snapshot, loaded at start."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from verone.sandbox.config import SandboxConfig
from verone.sandbox.state import SandboxState


def save_state(state: SandboxState, path: str | os.PathLike[str]) -> Path:
    """Write the snapshot atomically (temporary file in the same folder, then rename)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    snapshot = state.to_snapshot()
    fd, tmp = tempfile.mkstemp(prefix=target.name, suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(snapshot, handle, separators=(",", ":"))
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def load_state(config: SandboxConfig) -> SandboxState:
    """A state for ``config``, restored from ``config.state_file`` when that file exists."""
    state = SandboxState(config)
    if config.state_file and Path(config.state_file).exists():
        data = json.loads(Path(config.state_file).read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError(f"{config.state_file} is not a sandbox snapshot")
        state.restore(data)
    return state
