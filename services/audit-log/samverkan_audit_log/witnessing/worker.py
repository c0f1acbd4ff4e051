"""Asks the witnesses to cosign the newest checkpoint, in the background.

One round every ``interval`` seconds, not one per entry: the newest checkpoint goes
to every witness that has not cosigned it, with the consistency proof from the size
that witness last acknowledged; a 409 names the witness's size, and the round sends
again from there. Each answer is verified against the witness's pinned key before
it is stored. A witness that is down is tried again next round; appends and
disclosures never wait for a witness.
"""

import threading
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
import structlog
from sqlalchemy import Engine

from samverkan_audit_log.checkpoints.models import CheckpointRecord
from samverkan_audit_log.checkpoints.repository import CheckpointRepository
from samverkan_audit_log.merkle import SubtreeHashGetter, consistency_proof
from samverkan_audit_log.tree.nodes import with_stored_nodes
from samverkan_audit_log.tree.repository import TreeRepository
from samverkan_audit_log.witnessing.client import Behind, WitnessFailed, add_checkpoint
from samverkan_audit_log.witnessing.config import (
    ConfiguredWitness,
    InvalidWitnessesFile,
    WitnessList,
)
from samverkan_audit_log.witnessing.models import CosignatureRecord
from samverkan_audit_log.witnessing.repository import CosignatureRepository
from samverkan_shared.cosignature import verified_cosignatures
from samverkan_shared.sessions import reading_session, writing_session
from samverkan_shared.signed_note import InvalidNote

__all__ = ["WitnessStatus", "Witnessing"]

_log = structlog.get_logger("samverkan_audit_log")


@dataclass(frozen=True)
class WitnessStatus:
    """What the last round learnt of one witness."""

    acknowledged: int
    error: str | None = None
    checked_at: datetime | None = None


class Witnessing:
    """The witnesses, the policy, and the thread that asks them."""

    def __init__(
        self,
        engine: Engine,
        witnesses: WitnessList,
        policy: int,
        client: httpx.Client,
        interval: float = 2.0,
    ) -> None:
        self.engine = engine
        self.witnesses = witnesses
        self.policy = policy
        self._client = client
        self._interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.status: dict[str, WitnessStatus] = {}

    def configured(self) -> tuple[ConfiguredWitness, ...]:
        """The witnesses now configured; none (logged) if the file is broken."""
        try:
            return self.witnesses.current()
        except (InvalidWitnessesFile, OSError) as error:
            _log.error("witnesses_file_invalid", detail=str(error))
            return ()

    def start(self) -> None:
        self._thread = threading.Thread(
            target=self._run, name="audit-log-witnessing", daemon=True
        )
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        self._client.close()

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self.round()
            except Exception as error:  # a round must never end the thread
                _log.error("witnessing_round_failed", detail=repr(error))

    def round(self) -> None:
        """Bring every configured witness up to the newest checkpoint, if it can be."""
        witnesses = self.configured()
        if not witnesses:
            return
        with reading_session(self.engine) as session:
            latest = CheckpointRepository(session).latest()
        if latest is None:
            return
        for witness in witnesses:
            self._ask(witness, latest)

    def _ask(self, witness: ConfiguredWitness, latest: CheckpointRecord) -> None:
        now = datetime.now(UTC)
        try:
            size = self._bring_up(witness, latest)
        except WitnessFailed as error:
            previous = self.status.get(witness.name, WitnessStatus(0))
            self.status[witness.name] = WitnessStatus(
                previous.acknowledged, str(error), now
            )
            _log.warning("witness_failed", witness=witness.name, detail=str(error))
            return
        self.status[witness.name] = WitnessStatus(size, None, now)

    def _bring_up(self, witness: ConfiguredWitness, latest: CheckpointRecord) -> int:
        key_id = witness.key.key_id.hex()
        with reading_session(self.engine) as session:
            old = CosignatureRepository(session).acknowledged(witness.name, key_id)
        for _attempt in range(3):
            if old >= latest.tree_size:
                return old
            answer = add_checkpoint(
                self._client, witness.url, old, self._proof(old, latest), latest.note
            )
            if isinstance(answer, Behind):
                if answer.size > latest.tree_size:
                    raise WitnessFailed(
                        f"{witness.url} has cosigned size {answer.size}, larger than "
                        f"this log's {latest.tree_size}: another log under our origin?"
                    )
                old = answer.size
                continue
            self._store(witness, latest, answer.lines)
            return latest.tree_size
        raise WitnessFailed(f"{witness.url} kept answering 409")

    def _proof(self, old: int, latest: CheckpointRecord) -> list[bytes]:
        if old == 0 or old == latest.tree_size:
            return []

        def compute(getter: SubtreeHashGetter) -> list[bytes]:
            return consistency_proof(old, latest.tree_size, getter)

        with reading_session(self.engine) as session:
            return with_stored_nodes(TreeRepository(session), compute)

    def _store(
        self, witness: ConfiguredWitness, latest: CheckpointRecord, lines: str
    ) -> None:
        try:
            found = verified_cosignatures(latest.note + lines, [witness.key])
        except InvalidNote as error:
            raise WitnessFailed(f"{witness.url}: {error.detail}") from None
        if not found:
            raise WitnessFailed(f"{witness.url}: no cosignature by its pinned key")
        record = CosignatureRecord(
            tree_size=latest.tree_size,
            witness=witness.name,
            key_id=witness.key.key_id.hex(),
            signed_at=found[0].timestamp,
            line=found[0].line,
            received_at=datetime.now(UTC),
        )
        with writing_session(self.engine) as session:
            CosignatureRepository(session).add(record)
