"""The RFC 9162 Merkle tree against the reference vectors of the certificate-transparency
test suites: roots, inclusion and consistency proofs, and the corrupted probes."""

import hashlib

import pytest

from samverkan_audit_log.merkle import (
    EMPTY_ROOT,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root_from_leaf_hashes,
    tree_root,
    verify_consistency,
    verify_inclusion,
)
from tests.support.merkle_trees import (
    SOME_HASH,
    flip_bit,
    naive_root,
    perfect_reader,
)

# Reference data of the certificate-transparency test suites (RFC 6962 hashing),
# as published in transparency-dev/merkle proof/verify_test.go.
LEAVES = [
    bytes.fromhex(h)
    for h in [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
]
ROOTS = [
    bytes.fromhex(h)
    for h in [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ]
]
# (1-based leaf number, tree size, audit path), as in the CT suites.
INCLUSION_VECTORS = [
    (1, 1, []),
    (
        1,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (3, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (
        2,
        5,
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]
CONSISTENCY_VECTORS = [
    (1, 1, []),
    (
        1,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (
        6,
        7,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
]
REFERENCE_HASHES = [leaf_hash(leaf) for leaf in LEAVES]


class TestHashes:
    def test_empty_tree_is_the_hash_of_the_empty_string(self) -> None:
        assert EMPTY_ROOT.hex() == (
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        )
        assert root_from_leaf_hashes([]) == EMPTY_ROOT
        assert tree_root(0, perfect_reader([])) == EMPTY_ROOT

    def test_leaf_and_node_hashes_use_the_rfc_domain_separation(self) -> None:
        assert leaf_hash(b"a") == hashlib.sha256(b"\x00a").digest()
        assert node_hash(b"l", b"r") == hashlib.sha256(b"\x01lr").digest()

    @pytest.mark.parametrize("size", range(1, 9))
    def test_reference_roots(self, size: int) -> None:
        hashes = REFERENCE_HASHES[:size]
        assert root_from_leaf_hashes(hashes) == ROOTS[size - 1]
        assert tree_root(size, perfect_reader(hashes)) == ROOTS[size - 1]
        assert naive_root(hashes) == ROOTS[size - 1]


class TestReferenceProofs:
    @pytest.mark.parametrize(("leaf", "size", "path"), INCLUSION_VECTORS)
    def test_inclusion_proof_matches_reference(
        self, leaf: int, size: int, path: list[str]
    ) -> None:
        expected = [bytes.fromhex(h) for h in path]
        proof = inclusion_proof(leaf - 1, size, perfect_reader(REFERENCE_HASHES))
        assert proof == expected
        assert verify_inclusion(
            REFERENCE_HASHES[leaf - 1], leaf - 1, size, expected, ROOTS[size - 1]
        )

    @pytest.mark.parametrize(("first", "second", "path"), CONSISTENCY_VECTORS)
    def test_consistency_proof_matches_reference(
        self, first: int, second: int, path: list[str]
    ) -> None:
        expected = [bytes.fromhex(h) for h in path]
        proof = consistency_proof(first, second, perfect_reader(REFERENCE_HASHES))
        assert proof == expected
        assert verify_consistency(
            first, second, ROOTS[first - 1], ROOTS[second - 1], expected
        )

    @pytest.mark.parametrize(("leaf", "size", "path"), INCLUSION_VECTORS[1:])
    def test_corrupted_inclusion_probes_fail(
        self, leaf: int, size: int, path: list[str]
    ) -> None:
        """The probes of transparency-dev's corruptInclusionProof all fail."""
        proof = [bytes.fromhex(h) for h in path]
        index, root, leaf_h = leaf - 1, ROOTS[size - 1], REFERENCE_HASHES[leaf - 1]
        probes = [
            (index - 1, size, root, leaf_h, proof),
            (index + 1, size, root, leaf_h, proof),
            (index ^ 2, size, root, leaf_h, proof),
            (index, size * 2, root, leaf_h, proof),
            (index, size // 2, root, leaf_h, proof),
            (index, size, root, b"WrongLeaf", proof),
            (index, size, EMPTY_ROOT, leaf_h, proof),
            (index, size, SOME_HASH, leaf_h, proof),
            (index, size, root, leaf_h, [*proof, b""]),
            (index, size, root, leaf_h, [*proof, root]),
            (index, size, root, leaf_h, [b"", *proof]),
            (index, size, root, leaf_h, [root, *proof]),
            (index, size, root, leaf_h, proof[:-1]),
            (index, size, root, leaf_h, [proof[0], SOME_HASH, *proof[1:]]),
        ]
        probes += [
            (index, size, root, leaf_h, flip_bit(proof, position, 8))
            for position in range(len(proof))
        ]
        for probe in probes:
            assert not verify_inclusion(
                probe[3], probe[0], probe[1], probe[4], probe[2]
            )

    @pytest.mark.parametrize(("first", "second", "path"), CONSISTENCY_VECTORS[1:])
    def test_corrupted_consistency_probes_fail(
        self, first: int, second: int, path: list[str]
    ) -> None:
        """The probes of transparency-dev's corruptConsistencyProof all fail."""
        proof = [bytes.fromhex(h) for h in path]
        root1, root2 = ROOTS[first - 1], ROOTS[second - 1]
        probes = [
            (first - 1, second, root1, root2, proof),
            (first + 1, second, root1, root2, proof),
            (first ^ 2, second, root1, root2, proof),
            (first, second * 2, root1, root2, proof),
            (first, second // 2, root1, root2, proof),
            (first, second, b"WrongRoot", root2, proof),
            (first, second, root1, b"WrongRoot", proof),
            (first, second, root2, root1, proof),
            (first, second, root1, root2, []),
            (first, second, root1, root2, [*proof, b""]),
            (first, second, root1, root2, [*proof, root1]),
            (first, second, root1, root2, [*proof, root2]),
            (first, second, root1, root2, [b"", *proof]),
            (first, second, root1, root2, [root1, *proof]),
            (first, second, root1, root2, [root2, *proof]),
            (first, second, root1, root2, [proof[0], *proof]),
            (first, second, root1, root2, proof[:-1]),
        ]
        probes += [
            (first, second, root1, root2, flip_bit(proof, position, 16))
            for position in range(len(proof))
        ]
        for probe in probes:
            assert not verify_consistency(*probe)

    def test_single_leaf_tree_verifies_with_an_empty_proof(self) -> None:
        hash_ = leaf_hash(b"data")
        assert verify_inclusion(hash_, 0, 1, [], hash_)
        assert not verify_inclusion(hash_, 0, 1, [], b"")
        assert not verify_inclusion(b"", 0, 1, [], hash_)

    @pytest.mark.parametrize(("index", "size"), [(0, 0), (1, 0), (2, 1), (-1, 1)])
    def test_inclusion_outside_the_tree_never_verifies(
        self, index: int, size: int
    ) -> None:
        assert not verify_inclusion(SOME_HASH, index, size, [], EMPTY_ROOT)

    @pytest.mark.parametrize(
        ("first", "second", "root1", "root2", "proof", "valid"),
        [
            (0, 0, b"r1", b"r2", [], False),
            (1, 1, SOME_HASH, EMPTY_ROOT, [], False),
            (0, 0, SOME_HASH, SOME_HASH, [], True),
            (0, 1, SOME_HASH, EMPTY_ROOT, [], True),
            (1, 1, EMPTY_ROOT, EMPTY_ROOT, [], True),
            (1, 0, SOME_HASH, EMPTY_ROOT, [], False),
            (2, 1, SOME_HASH, EMPTY_ROOT, [], False),
            (1, 2, SOME_HASH, EMPTY_ROOT, [], False),
            (0, 0, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT], False),
            (0, 1, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT], False),
            (1, 1, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT], False),
        ],
    )
    def test_consistency_edge_cases(
        self,
        first: int,
        second: int,
        root1: bytes,
        root2: bytes,
        proof: list[bytes],
        valid: bool,
    ) -> None:
        """The table of transparency-dev's TestVerifyConsistency."""
        assert verify_consistency(first, second, root1, root2, proof) is valid
