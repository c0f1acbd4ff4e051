"""A bare service app (build_app with test settings) for tests of the shared parts."""

from pathlib import Path
from typing import Any

from samverkan_shared.db import make_engine
from samverkan_shared.service_app import ServiceApp, build_app
from samverkan_shared.settings import ServiceSettings


def bare_app(tmp_path: Path, **options: Any) -> ServiceApp[None]:
    """``build_app`` for a service named "test" on a SQLite file in ``tmp_path``."""
    return build_app(
        service="test",
        title="test",
        description="test",
        settings=ServiceSettings(data_dir=tmp_path),
        engine=make_engine(f"sqlite:///{tmp_path}/t.db"),
        **{"open_state": lambda _stack, _platform: None, **options},
    )
