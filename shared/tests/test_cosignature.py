"""C2SP tlog-cosignature (cosignature/v1, Ed25519) and tlog-proof, as the log, the witness
and a receipt's holder use them."""

import base64
import struct

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from samverkan_shared.cosignature import (
    cosign,
    cosigned_message,
    cosigner_key_for,
    parse_cosigner_key,
    verified_cosignatures,
)
from samverkan_shared.signed_note import (
    Checkpoint,
    InvalidNote,
    sign_checkpoint,
    typed_key_id,
    verifier_key_for,
)
from samverkan_shared.tlog_proof import InvalidTlogProof, TlogProof, parse_tlog_proof

WITNESS = Ed25519PrivateKey.generate()
LOG = Ed25519PrivateKey.generate()
CHECKPOINT = Checkpoint("example.com/log", 20852163, bytes(range(32)))
NOTE = sign_checkpoint(CHECKPOINT, LOG, "example.com/log")


def test_the_signed_message_is_header_time_then_the_note_text() -> None:
    assert cosigned_message(CHECKPOINT.body(), 1679315147) == (
        b"cosignature/v1\ntime 1679315147\nexample.com/log\n20852163\n"
        + base64.b64encode(bytes(range(32)))
        + b"\n"
    )


def test_a_cosignature_line_holds_key_id_timestamp_and_signature() -> None:
    line = cosign(CHECKPOINT.body(), WITNESS, "witness.example/w1", 1679315147)
    prefix, name, encoded = line.rstrip("\n").split(" ")
    raw = base64.b64decode(encoded)
    key = cosigner_key_for(WITNESS, "witness.example/w1")
    public = key.encode().split("+", 2)[2]  # the base64 key may hold a "+"
    assert (prefix, name, len(raw)) == ("\u2014", "witness.example/w1", 4 + 8 + 64)
    assert raw[:4] == typed_key_id(name, base64.b64decode(public)) == key.key_id
    assert base64.b64decode(public)[:1] == b"\x04"  # tlog-cosignature's type byte
    assert struct.unpack(">Q", raw[4:12]) == (1679315147,)
    message = cosigned_message(CHECKPOINT.body(), 1679315147)
    WITNESS.public_key().verify(raw[12:], message)


@given(timestamp=st.integers(min_value=1, max_value=2**63 - 1))
def test_a_cosignature_verifies_and_its_vkey_round_trips(timestamp: int) -> None:
    key = parse_cosigner_key(cosigner_key_for(WITNESS, "w.example/a").encode())
    note = NOTE + cosign(CHECKPOINT.body(), WITNESS, "w.example/a", timestamp)
    [found] = verified_cosignatures(note, [key])
    assert (found.name, found.timestamp) == ("w.example/a", timestamp)


def test_a_timestamp_of_zero_or_beyond_int63_is_refused() -> None:
    for timestamp in (0, 2**63):
        with pytest.raises(ValueError, match="timestamp"):
            cosign(CHECKPOINT.body(), WITNESS, "w.example/a", timestamp)


def test_unknown_keys_are_ignored_and_a_bad_known_one_fails() -> None:
    key = cosigner_key_for(WITNESS, "w.example/a")
    other = cosign(CHECKPOINT.body(), Ed25519PrivateKey.generate(), "w.example/b", 5)
    assert verified_cosignatures(NOTE + other, [key]) == []
    line = cosign(CHECKPOINT.body(), WITNESS, "w.example/a", 5)
    # The same cosignature over another tree size.
    forged = NOTE.replace("20852163", "20852164") + line
    with pytest.raises(InvalidNote, match="does not verify"):
        verified_cosignatures(forged, [key])


def test_a_log_key_is_no_cosigner_key() -> None:
    with pytest.raises(ValueError, match="0x04"):
        parse_cosigner_key(verifier_key_for(LOG, "example.com/log"))


@given(
    index=st.integers(min_value=0, max_value=2**64 - 1),
    proof=st.lists(st.binary(min_size=32, max_size=32), max_size=64),
    extra=st.none() | st.binary(max_size=200),
)
def test_a_tlog_proof_round_trips(
    index: int, proof: list[bytes], extra: bytes | None
) -> None:
    written = TlogProof(index, tuple(proof), NOTE, extra)
    assert parse_tlog_proof(written.encode()) == written


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("c2sp.org/tlog-proof@v2\nindex 0\n\n" + NOTE, "first line"),
        ("c2sp.org/tlog-proof@v1\nindex 00\n\n" + NOTE, "index"),
        ("c2sp.org/tlog-proof@v1\nextra a=b\nindex 0\n\n" + NOTE, "extra"),
        ("c2sp.org/tlog-proof@v1\nindex 0\nAAAA\n\n" + NOTE, "line 1"),
        ("c2sp.org/tlog-proof@v1\nindex 0\n", "blank line"),
    ],
)
def test_a_malformed_tlog_proof_names_its_fault(text: str, message: str) -> None:
    with pytest.raises(InvalidTlogProof, match=message):
        parse_tlog_proof(text)
