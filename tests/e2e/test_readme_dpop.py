"""The README's DPoP walkthrough runs as printed against a running demo."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from samverkan_shared.supervisor import Suite

pytestmark = pytest.mark.e2e

README = Path(__file__).resolve().parents[2] / "README.md"
SECTION = "## Walkthrough: a token bound to the partner's key (DPoP)"


def _script() -> str:
    section = README.read_text(encoding="utf-8").split(SECTION, 1)[1]
    return section.split("```python\n", 1)[1].split("```", 1)[0]


def test_the_walkthrough_gets_a_bound_token_and_shows_both_refusals(
    running_suite: Suite,
) -> None:
    env = {**os.environ, "SAMVERKAN_DATA_DIR": str(running_suite.data_dir)}
    done = subprocess.run(
        [sys.executable, "-c", _script()],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["200", "401", "401"]
