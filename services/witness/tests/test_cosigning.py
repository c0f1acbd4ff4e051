"""add-checkpoint as C2SP tlog-witness says: verify, refuse with the protocol's codes,
keep the evidence of a fork, cosign with a timestamped cosignature/v1."""

import hashlib
import time

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi.testclient import TestClient

from samverkan_shared.cosignature import verified_cosignatures
from samverkan_shared.merkle_proofs import EMPTY_ROOT
from samverkan_shared.signed_note import Checkpoint, sign_checkpoint


def _cosigned_by(signer, note: str, answer: str):
    return verified_cosignatures(note + answer, [signer.key])


def test_a_first_checkpoint_is_cosigned_with_a_timestamp(submit, log, signer) -> None:
    before = int(time.time())
    response = submit(0, 5)
    assert response.status_code == 200, response.text
    [cosignature] = _cosigned_by(signer, log.checkpoint(5), response.text)
    assert cosignature.name == signer.name
    assert before <= cosignature.timestamp <= int(time.time())


def test_a_consistent_larger_checkpoint_is_cosigned(submit, log, signer) -> None:
    assert submit(0, 3).status_code == 200
    response = submit(3, 10)
    assert response.status_code == 200, response.text
    assert _cosigned_by(signer, log.checkpoint(10), response.text)


def test_the_same_checkpoint_again_is_cosigned_again(submit) -> None:
    assert submit(0, 4).status_code == 200
    assert submit(4, 4).status_code == 200


def test_a_stale_old_size_gets_409_with_the_latest_size(submit) -> None:
    assert submit(0, 6).status_code == 200
    response = submit(0, 9)
    assert response.status_code == 409
    assert response.headers["content-type"].startswith("text/x.tlog.size")
    assert response.text == "6\n"


def test_an_older_checkpoint_is_refused(submit) -> None:
    assert submit(0, 8).status_code == 200
    assert submit(8, 5).status_code == 400  # old size above the checkpoint's
    assert submit(3, 5).status_code == 409


def test_an_unknown_origin_is_404(submit, signer) -> None:
    stranger = Ed25519PrivateKey.generate()
    note = sign_checkpoint(
        Checkpoint("other.example/log", 1, b"\x01" * 32), stranger, "other.example/log"
    )
    assert submit(0, 1, note=note).status_code == 404


def test_a_checkpoint_signed_by_another_key_is_403(submit, log) -> None:
    impostor = Ed25519PrivateKey.generate()
    note = sign_checkpoint(
        Checkpoint(log.origin, 1, b"\x01" * 32), impostor, log.origin
    )
    assert submit(0, 1, note=note).status_code == 403


def test_a_malformed_body_is_400(client: TestClient) -> None:
    assert client.post("/add-checkpoint", content=b"old x\n\nnote").status_code == 400
    assert client.post("/add-checkpoint", content=b"old 0\n").status_code == 400


def test_size_zero_needs_the_empty_root_and_old_zero_no_proof(submit, log) -> None:
    note = sign_checkpoint(Checkpoint(log.origin, 0, b"\x01" * 32), log.key, log.origin)
    assert submit(0, 0, note=note).status_code == 422
    empty = sign_checkpoint(Checkpoint(log.origin, 0, EMPTY_ROOT), log.key, log.origin)
    assert submit(0, 0, note=empty).status_code == 200
    assert submit(0, 4, proof=[b"\x00" * 32]).status_code == 422


def test_a_bad_consistency_proof_is_422_and_kept(client, submit) -> None:
    assert submit(0, 4).status_code == 200
    response = submit(4, 7, proof=[b"\x07" * 32] * 3)
    assert response.status_code == 422
    [evidence] = client.get("/v1/forks").json()["items"]
    assert evidence["kind"] == "inconsistent_proof"
    assert evidence["old_size"] == 4


def test_a_fork_is_caught_and_both_checkpoints_are_kept(client, submit, log) -> None:
    """Two checkpoints of one size, both signed by the log's real key."""
    assert submit(0, 5).status_code == 200
    response = submit(5, 5, fork=b"fork")
    assert response.status_code == 422
    [evidence] = client.get("/v1/forks").json()["items"]
    assert evidence["kind"] == "conflicting_root"
    assert evidence["cosigned_checkpoint"].startswith(log.checkpoint(5))
    assert evidence["submitted_checkpoint"] == log.checkpoint(5, b"fork")
    # The fork sent with another old size is kept as well, and still refused.
    assert submit(0, 5, fork=b"fork").status_code == 422
    assert len(client.get("/v1/forks").json()["items"]) == 2


def test_a_forked_larger_tree_fails_its_consistency_proof(client, submit) -> None:
    assert submit(0, 5).status_code == 200
    assert submit(5, 9, fork=b"fork").status_code == 422
    assert client.get("/v1/forks").json()["items"][0]["kind"] == "inconsistent_proof"


def test_the_cosigned_checkpoint_is_served_for_monitors(
    client, submit, log, signer
) -> None:
    origin_hash = hashlib.sha256(log.origin.encode()).hexdigest()
    assert client.get(f"/{origin_hash}/checkpoint").status_code == 404
    answer = submit(0, 3).text
    served = client.get(f"/{origin_hash}/checkpoint").text
    assert served == log.checkpoint(3) + answer
    assert client.get("/v1/witness-key").text == signer.key.encode()


def test_a_restart_keeps_the_state(database_url, build_app, submit, log) -> None:
    assert submit(0, 6).status_code == 200
    with TestClient(build_app(database_url)) as restarted:
        stale = restarted.post(
            "/add-checkpoint", content=log.body(0, [], log.checkpoint(7))
        )
        assert (stale.status_code, stale.text) == (409, "6\n")
        proof = log.proof(6, 7)
        fresh = restarted.post(
            "/add-checkpoint", content=log.body(6, proof, log.checkpoint(7))
        )
        assert fresh.status_code == 200


def test_a_broken_logs_file_keeps_the_logs_read_before(submit, tmp_path) -> None:
    assert submit(0, 2).status_code == 200
    (tmp_path / "witness-logs.txt").write_text("a line that names no key\n")
    assert submit(2, 3).status_code == 200
