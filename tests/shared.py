"""The folder ../shared beside the repository: the example notice and the scorer.

It is not part of the repository, so every test that reads it goes through here and
skips, naming the missing path, when it is absent. ZHENGGAI_SHARED_DIR points
elsewhere (another checkout, or a missing folder to see those tests skip).
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]


def shared_dir() -> Path:
    return Path(os.environ.get("ZHENGGAI_SHARED_DIR") or ROOT.parent / "shared")


def shared_path(*parts: str) -> Path:
    """A path under ../shared; skips the calling test when it does not exist."""
    path = shared_dir().joinpath(*parts)
    if not path.exists():
        pytest.skip(f"../shared is not on this machine: {path} is missing")
    return path


def example(name: str = "notice.txt") -> Path:
    """A file of the example notice (notice.txt, gold.json)."""
    return shared_path("examples", "linping-union-2022", name)


def scorer() -> ModuleType:
    """shared/tools/score_notice.py, loaded as a module."""
    path = shared_path("tools", "score_notice.py")
    spec = importlib.util.spec_from_file_location("score_notice", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
