"""The offline verifier catches rewritten, removed and forged data (verification/, no HTTP)."""

import base64
import dataclasses
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from samverkan_audit_log.checkpoints.signed_note import parse_verifier_key
from samverkan_audit_log.checkpoints.signer import LogSigner
from samverkan_audit_log.merkle import (
    consistency_proof,
    leaf_hash,
    root_from_leaf_hashes,
    subtree_hash,
)
from samverkan_audit_log.verification.verifier import (
    LogItem,
    LogVerifier,
    VerificationFailed,
    check_consistency,
    open_checkpoint,
    parse_item,
    parse_log_key,
)
from samverkan_shared.canonical_json import canonicalize

ORIGIN = "samverkan.test/audit-log"
SIGNER = LogSigner(ORIGIN, Ed25519PrivateKey.generate())
KEY = parse_verifier_key(SIGNER.verifier_key)


def _items(count: int) -> list[LogItem]:
    items = []
    for index in range(count):
        entry = {"event": "disclosure.released", "decision_id": f"d-{index}"}
        leaf = canonicalize(entry)
        items.append(LogItem(index, entry, leaf, leaf_hash(leaf)))
    return items


def _note(items: list[LogItem], signer: LogSigner = SIGNER) -> str:
    root = root_from_leaf_hashes(item.leaf_hash for item in items)
    return signer.sign(len(items), root)


def _verify(items: list[LogItem], note: str) -> str:
    verifier = LogVerifier(open_checkpoint(note, KEY, what="checkpoint"))
    verifier.add_all(items)
    return verifier.finish(KEY.name).line()


def _failure(items: list[LogItem], note: str) -> str:
    with pytest.raises(VerificationFailed) as raised:
        _verify(items, note)
    return str(raised.value)


class TestLog:
    def test_an_intact_log_verifies(self) -> None:
        items = _items(10)
        root = base64.b64encode(root_from_leaf_hashes(i.leaf_hash for i in items))
        assert _verify(items, _note(items)) == (
            f"OK: 10 entries, root {root.decode()}, checkpoint signed by {ORIGIN}"
        )

    def test_entries_beyond_the_checkpoint_are_ignored(self) -> None:
        items = _items(10)
        assert _verify(items, _note(items[:7])).startswith("OK: 7 entries")

    def test_a_rewritten_entry_whose_leaf_was_kept(self) -> None:
        items = _items(10)
        items[4] = dataclasses.replace(items[4], entry={"event": "nothing happened"})
        assert _failure(items, _note(_items(10))) == (
            "entry 4: leaf does not match its entry"
        )

    def test_a_rewritten_leaf_with_its_old_hash(self) -> None:
        items = _items(10)
        entry = {"event": "nothing happened"}
        items[4] = dataclasses.replace(items[4], entry=entry, leaf=canonicalize(entry))
        assert _failure(items, _note(_items(10))) == (
            "entry 4: leaf_hash is not SHA-256(0x00 || leaf)"
        )

    def test_a_consistently_rewritten_leaf_breaks_the_root(self) -> None:
        items = _items(10)
        entry = {"event": "nothing happened"}
        leaf = canonicalize(entry)
        items[4] = LogItem(4, entry, leaf, leaf_hash(leaf))
        assert _failure(items, _note(_items(10))).startswith(
            "root mismatch: the entries fold to "
        )

    def test_a_removed_entry(self) -> None:
        items = _items(10)
        del items[3]
        assert _failure(items, _note(_items(10))) == (
            "entry 3: missing (the log continues with index 4)"
        )

    def test_removed_entries_at_the_end(self) -> None:
        assert _failure(_items(8), _note(_items(10))) == (
            "the log returned 8 entries but the checkpoint covers 10"
        )

    def test_a_reindexed_log_without_the_removed_entry(self) -> None:
        items = _items(10)
        del items[3]
        items = [dataclasses.replace(item, index=n) for n, item in enumerate(items)]
        assert _failure(items, _note(_items(10))) == (
            "the log returned 9 entries but the checkpoint covers 10"
        )


class TestCheckpoint:
    def test_a_signature_by_another_key_of_the_same_name_is_refused(self) -> None:
        forger = LogSigner(ORIGIN, Ed25519PrivateKey.generate())
        with pytest.raises(VerificationFailed) as raised:
            open_checkpoint(_note(_items(3), forger), KEY, what="checkpoint")
        assert str(raised.value) == (
            f"checkpoint: no signature by {KEY.name}+{KEY.key_hash.hex()} (unknown key)"
        )

    def test_a_forged_signature_is_refused(self) -> None:
        note = _note(_items(3))
        body, _, signature = note.rpartition("\n\n")
        raw = bytearray(base64.b64decode(signature.split(" ")[-1]))
        raw[-1] ^= 1
        forged = f"{body}\n\n— {ORIGIN} {base64.b64encode(bytes(raw)).decode()}\n"
        with pytest.raises(VerificationFailed) as raised:
            open_checkpoint(forged, KEY, what="checkpoint")
        assert str(raised.value) == (
            f"checkpoint: invalid signature by {ORIGIN} (bad signature)"
        )

    def test_a_changed_root_under_a_valid_signature_line_is_refused(self) -> None:
        note = _note(_items(3)).replace("\n3\n", "\n4\n")
        with pytest.raises(VerificationFailed, match="bad signature"):
            open_checkpoint(note, KEY, what="checkpoint")

    def test_a_malformed_log_key(self) -> None:
        with pytest.raises(VerificationFailed, match=r"^log key: "):
            parse_log_key("not a key")


class TestConsistency:
    def _checkpoints(self, old: list[LogItem], new: list[LogItem]) -> tuple[Any, Any]:
        return (
            open_checkpoint(_note(old), KEY, what="trusted checkpoint"),
            open_checkpoint(_note(new), KEY, what="checkpoint"),
        )

    def _proof(self, items: list[LogItem], first: int) -> list[bytes]:
        hashes = [item.leaf_hash for item in items]
        return consistency_proof(
            first,
            len(items),
            lambda start, end: subtree_hash(start, end, lambda a, b: _mth(hashes[a:b])),
        )

    def test_a_grown_log_is_consistent(self) -> None:
        items = _items(11)
        trusted, current = self._checkpoints(items[:6], items)
        check_consistency(trusted, current, self._proof(items, 6))

    def test_a_rewritten_history_is_not(self) -> None:
        items = _items(11)
        trusted, _ = self._checkpoints(items[:6], items)
        entry = {"event": "rewritten"}
        leaf = canonicalize(entry)
        forked = [*items[:2], LogItem(2, entry, leaf, leaf_hash(leaf)), *items[3:]]
        current = open_checkpoint(_note(forked), KEY, what="checkpoint")
        with pytest.raises(VerificationFailed) as raised:
            check_consistency(trusted, current, self._proof(forked, 6))
        assert str(raised.value) == (
            "consistency proof from size 6 to 11 does not verify: the log was rewritten"
        )

    def test_a_shrunk_log_is_not(self) -> None:
        items = _items(11)
        trusted, current = self._checkpoints(items, items[:6])
        with pytest.raises(VerificationFailed, match="entries were removed"):
            check_consistency(trusted, current, [])


def _mth(hashes: list[bytes]) -> bytes:
    return root_from_leaf_hashes(hashes)


@pytest.mark.parametrize(
    "raw",
    [{}, {"index": 0, "entry": {}, "leaf": "%%", "leaf_hash": ""}, {"index": "0"}],
    ids=["empty", "bad base64", "missing fields"],
)
def test_malformed_items_name_their_position(raw: dict[str, Any]) -> None:
    with pytest.raises(VerificationFailed, match=r"^entry 7: "):
        parse_item(raw, 7)
