"""CPU time of the suite's processes from /proc (Linux), to say where a request's time goes.

A service's figure includes its worker processes (the children of its uvicorn
process); "postgresql" is every process named ``postgres`` on the machine (the
server's backends and its background workers), "client" the benchmark itself.
"""

import os
import time
from pathlib import Path

__all__ = ["CpuTimes", "cpu_seconds"]

_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
_PROC = Path("/proc")


def cpu_seconds(pid: int, *, with_children: bool = True) -> float:
    """user + system CPU seconds of ``pid`` (and its live children); 0 if it is gone."""
    try:
        fields = (_PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return 0.0
    own = (int(fields[11]) + int(fields[12])) / _TICKS
    if not with_children:
        return own
    return own + sum(cpu_seconds(child) for child in _children(pid))


def _children(pid: int) -> list[int]:
    try:
        text = (_PROC / str(pid) / "task" / str(pid) / "children").read_text()
    except FileNotFoundError:
        return []
    return [int(child) for child in text.split()]


def _postgres_pids() -> list[int]:
    pids = []
    for entry in _PROC.iterdir() if _PROC.exists() else []:
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "postgres":
                    pids.append(int(entry.name))
            except (FileNotFoundError, ProcessLookupError):
                continue
    return pids


class CpuTimes:
    """CPU seconds spent between ``start()`` and ``stop()``, per named process."""

    def __init__(self, services: dict[str, int]) -> None:
        self._services = services
        self._before: dict[str, float] = {}
        self.spent: dict[str, float] = {}

    @property
    def available(self) -> bool:
        return _PROC.exists()

    def _now(self) -> dict[str, float]:
        now = {name: cpu_seconds(pid) for name, pid in self._services.items()}
        now["postgresql"] = sum(
            cpu_seconds(pid, with_children=False) for pid in _postgres_pids()
        )
        now["client"] = time.process_time()
        return now

    def start(self) -> None:
        self._before = self._now()

    def stop(self) -> None:
        after = self._now()
        self.spent = {name: after[name] - self._before[name] for name in after}

    def per_request(self, requests: int) -> str:
        """'tips 1.40, sharing 4.60, ... ms' per request."""
        if not requests or not self.spent:
            return "n/a"
        return (
            ", ".join(
                f"{name} {1000 * seconds / requests:.2f}"
                for name, seconds in self.spent.items()
            )
            + " ms"
        )
