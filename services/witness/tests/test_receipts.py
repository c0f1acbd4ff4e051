"""`samverkan receipt verify`: a tlog-proof checked offline; each tampering is named."""

import argparse
import base64
import hashlib
import io
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from samverkan_audit_log.merkle import inclusion_proof, leaf_hash, root_from_leaf_hashes
from samverkan_shared.signed_note import Checkpoint, sign_checkpoint, verifier_key_for
from samverkan_shared.tlog_proof import TlogProof, parse_tlog_proof
from samverkan_witness.cli import run_receipt_verify
from samverkan_witness.keys import WitnessSigner

ORIGIN = "samverkan.test/audit-log"
PAYLOAD = b'{"released": "the fields a partner was given"}'
LOG_KEY = Ed25519PrivateKey.generate()
WITNESSES = [
    WitnessSigner(f"samverkan.test/witness-{n}", Ed25519PrivateKey.generate())
    for n in range(2)
]


def _entry(number: int) -> bytes:
    payload = PAYLOAD if number == 3 else str(number).encode()
    entry = {
        "event": "disclosure",
        "payload_sha256": hashlib.sha256(payload).hexdigest(),
    }
    return json.dumps(entry, separators=(",", ":"), sort_keys=True).encode()


def _receipt(index: int = 3, size: int = 7, cosigners: int = 2) -> str:
    leaves = [_entry(n) for n in range(size)]
    hashes = [leaf_hash(leaf) for leaf in leaves]
    checkpoint = Checkpoint(ORIGIN, size, root_from_leaf_hashes(hashes))
    note = sign_checkpoint(checkpoint, LOG_KEY, ORIGIN)
    note += "".join(
        w.cosign(checkpoint.body(), 1_765_000_000) for w in WITNESSES[:cosigners]
    )
    proof = inclusion_proof(
        index, size, lambda start, end: root_from_leaf_hashes(hashes[start:end])
    )
    return TlogProof(index, tuple(proof), note, extra=leaves[index]).encode()


def _verify(
    tmp_path: Path, text: str, *options: str, witnesses: int = 2
) -> tuple[int, str]:
    path = tmp_path / "entry.tlog-proof"
    path.write_text(text)
    payload = tmp_path / "payload.json"
    payload.write_bytes(PAYLOAD)
    args = argparse.Namespace(
        file=path,
        log_key=verifier_key_for(LOG_KEY, ORIGIN),
        witness_key=[w.key.encode() for w in WITNESSES[:witnesses]],
        policy=None,
        payload=None,
    )
    for option in options:
        name, _, value = option.partition("=")
        setattr(args, name, int(value) if name == "policy" else payload)
    out = io.StringIO()
    code = run_receipt_verify(args, stdout=out)
    return code, out.getvalue()


def _replace_line(text: str, number: int, change) -> str:
    lines = text.split("\n")
    lines[number] = change(lines[number])
    return "\n".join(lines)


def _flip_base64(value: str) -> str:
    raw = bytearray(base64.b64decode(value))
    raw[-1] ^= 1
    return base64.b64encode(bytes(raw)).decode()


def test_a_good_receipt_verifies_with_its_payload(tmp_path) -> None:
    code, out = _verify(tmp_path, _receipt(), "payload")
    assert code == 0, out
    assert out.startswith(f"OK: entry 3 is in {ORIGIN} at tree size 7")
    assert hashlib.sha256(PAYLOAD).hexdigest() in out
    assert "witnessed by 2 of the 2 required" in out


def test_a_tampered_proof_fails(tmp_path) -> None:
    text = _replace_line(_receipt(), 3, _flip_base64)  # the first proof hash
    code, out = _verify(tmp_path, text)
    assert code == 1
    assert out.startswith("FAIL: inclusion proof:")


def test_a_tampered_checkpoint_fails(tmp_path) -> None:
    receipt = parse_tlog_proof(_receipt())
    body, _, signatures = receipt.checkpoint.partition("\n\n")
    origin, size, root = body.split("\n")
    forged = f"{origin}\n{size}\n{_flip_base64(root)}\n\n{signatures}"
    text = TlogProof(receipt.index, receipt.proof, forged, receipt.extra).encode()
    code, out = _verify(tmp_path, text)
    assert code == 1
    assert out.startswith("FAIL: checkpoint: invalid signature by " + ORIGIN), out


def test_a_tampered_cosignature_fails(tmp_path) -> None:
    receipt = parse_tlog_proof(_receipt())
    lines = receipt.checkpoint.split("\n")
    name, encoded = lines[-2].removeprefix("\u2014 ").split(" ")
    lines[-2] = f"\u2014 {name} {_flip_base64(encoded)}"
    text = TlogProof(receipt.index, receipt.proof, "\n".join(lines), receipt.extra)
    code, out = _verify(tmp_path, text.encode())
    assert code == 1
    assert out == f"FAIL: cosignature: the cosignature by {name} does not verify\n"


def test_a_tampered_payload_hash_fails(tmp_path) -> None:
    receipt = parse_tlog_proof(_receipt())
    assert receipt.extra is not None
    entry = json.loads(receipt.extra)
    entry["payload_sha256"] = hashlib.sha256(b"another payload").hexdigest()
    extra = json.dumps(entry, separators=(",", ":"), sort_keys=True).encode()
    text = TlogProof(receipt.index, receipt.proof, receipt.checkpoint, extra).encode()
    code, out = _verify(tmp_path, text)
    assert code == 1
    assert out.startswith("FAIL: inclusion proof:")
    assert "payload hash" in out


def test_a_payload_that_is_not_the_one_logged_fails(tmp_path) -> None:
    code, out = _verify(tmp_path, _receipt(index=2), "payload")
    assert code == 1
    assert out.startswith("FAIL: payload: its SHA-256 is")


def test_a_policy_not_met_fails_and_says_not_witnessed_yet(tmp_path) -> None:
    code, out = _verify(tmp_path, _receipt(cosigners=1))
    assert code == 1
    assert out.startswith("FAIL: witnesses: 1 of the 2 required cosignatures")
    assert "not witnessed yet" in out
    code, out = _verify(tmp_path, _receipt(cosigners=1), "policy=1")
    assert code == 0, out
    assert "witnessed by 1 of the 1 required" in out


def test_a_cosignature_of_another_checkpoint_does_not_count(tmp_path) -> None:
    lines = parse_tlog_proof(_receipt(size=8)).checkpoint.split("\n")
    [other] = [line for line in lines if WITNESSES[0].name in line]
    receipt = parse_tlog_proof(_receipt(cosigners=0))
    note = receipt.checkpoint + other + "\n"
    text = TlogProof(receipt.index, receipt.proof, note, receipt.extra).encode()
    code, out = _verify(tmp_path, text, witnesses=1)
    assert code == 1
    assert out.startswith("FAIL: cosignature: the cosignature by")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not a proof\n\nx", "FAIL: receipt file: the first line is not"),
        ("c2sp.org/tlog-proof@v1\nindex 01\n\nx", "FAIL: receipt file: index"),
    ],
)
def test_a_file_that_is_no_tlog_proof_fails(tmp_path, text: str, message: str) -> None:
    code, out = _verify(tmp_path, text)
    assert code == 1
    assert out.startswith(message)
