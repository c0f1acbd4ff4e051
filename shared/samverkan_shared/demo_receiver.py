"""The demo's webhook receiver: `samverkan run` starts `samverkan webhooks receive`
beside the services, so a call-off stop in the demo shows up as a verified event.

The supervisor tells the children where it will listen (``SAMVERKAN_DEMO_WEBHOOK_URL``;
a demo step subscribes it once the services run and writes the secret to
``SECRET_FILE`` in the data directory), lets webhooks go to it (loopback is refused
unless the operator allows it, which the demo does for 127.0.0.1 alone:
``TIPS_WEBHOOK_ALLOW``) and starts it after the demo steps. The receiver is an extra:
when its port is taken or there is no secret, the demo runs without it and says so.
Its events are appended to ``EVENTS_FILE``.
"""

import os
import signal
import subprocess
import sys
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

import structlog

__all__ = [
    "DEFAULT_PORT",
    "EVENTS_FILE",
    "PORT_ENV",
    "SECRET_FILE",
    "URL_ENV",
    "DemoReceiver",
]

PORT_ENV = "SAMVERKAN_DEMO_WEBHOOK_PORT"
URL_ENV = "SAMVERKAN_DEMO_WEBHOOK_URL"
# The one service setting the demo names: the webhook sender's allow-list.
ALLOW_ENV = "TIPS_WEBHOOK_ALLOW"
DEFAULT_PORT = 8010
SECRET_FILE = "demo-webhook-secret"  # noqa: S105 - a file name
EVENTS_FILE = "demo-webhook-events.jsonl"
_GRACE_SECONDS = 5.0
_log = structlog.get_logger("samverkan.supervisor")


@dataclass
class DemoReceiver:
    data_dir: Path
    host: str
    port: int
    process: "subprocess.Popen[bytes] | None" = None

    @classmethod
    def configured(
        cls, data_dir: Path, host: str, env: Mapping[str, str]
    ) -> "DemoReceiver":
        """On ``SAMVERKAN_DEMO_WEBHOOK_PORT``, else 8010."""
        port = env.get(PORT_ENV, "").strip()
        return cls(data_dir, host, int(port) if port.isdigit() else DEFAULT_PORT)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/webhooks"

    @property
    def events_file(self) -> Path:
        return self.data_dir / EVENTS_FILE

    def environment(self, env: Mapping[str, str]) -> dict[str, str]:
        """What the children need: where it listens, and the host allowed."""
        allowed = [entry for entry in env.get(ALLOW_ENV, "").split(",") if entry]
        if self.host not in allowed:
            allowed.append(self.host)
        return {URL_ENV: self.url, ALLOW_ENV: ",".join(allowed)}

    def start(
        self, env: Mapping[str, str], log_dir: Path | None, port_taken: str | None
    ) -> None:
        """Start it unless its port is taken (``port_taken`` says why) or no secret
        was seeded; its own messages go to ``demo-webhooks.log``."""
        secret = self.data_dir / SECRET_FILE
        why = port_taken and f"port {self.port}: {port_taken}"
        why = why or (None if secret.exists() else f"{secret} was not seeded")
        if why is not None:
            _log.warning("demo_webhook_receiver_not_started", detail=why)
            return
        command = [sys.executable, "-m", "samverkan_shared.cli", "webhooks"]
        command += ["receive", "--port", str(self.port), "--secret-file", str(secret)]
        command += ["--output", str(self.events_file)]
        with ((log_dir or self.data_dir) / "demo-webhooks.log").open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own command
                command,
                env=dict(env),
                stdout=subprocess.DEVNULL,
                stderr=log,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        _log.info("demo_webhook_receiver_started", url=self.url)

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            process.wait(_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
