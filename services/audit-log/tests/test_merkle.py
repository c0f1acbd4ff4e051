"""Tests for the RFC 9162 Merkle tree: reference vectors and hypothesis properties."""

import hashlib
from collections.abc import Callable, Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from samverkan_audit_log.merkle import (
    EMPTY_ROOT,
    InvalidProofRequest,
    MerkleAccumulator,
    StoredNode,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_for_range,
    node_hash,
    perfect_subtrees,
    right_edge_nodes,
    root_from_leaf_hashes,
    subtree_hash,
    tree_root,
    verify_consistency,
    verify_inclusion,
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
SOME_HASH = bytes.fromhex(
    "abacaba000000000000000000000000000000000000000000060061e00123456"
)


def naive_root(hashes: Sequence[bytes]) -> bytes:
    """MTH written exactly as RFC 9162 §2.1.1 recurses, as the oracle."""
    if not hashes:
        return hashlib.sha256(b"").digest()
    if len(hashes) == 1:
        return hashes[0]
    k = 1
    while k * 2 < len(hashes):
        k *= 2
    return node_hash(naive_root(hashes[:k]), naive_root(hashes[k:]))


def perfect_reader(
    hashes: Sequence[bytes], reads: list[tuple[int, int]] | None = None
) -> Callable[[int, int], bytes]:
    """A storage stand-in that serves only perfect subtrees, as the database will."""

    def get(start: int, end: int) -> bytes:
        node_for_range(start, end)  # raises unless [start, end) is perfect
        assert end <= len(hashes)
        if reads is not None:
            reads.append((start, end))
        return naive_root(hashes[start:end])

    return get


def leaf_hashes(size: int) -> list[bytes]:
    return [leaf_hash(i.to_bytes(4, "big")) for i in range(size)]


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


def flip_bit(proof: list[bytes], position: int, mask: int) -> list[bytes]:
    changed = list(proof)
    changed[position] = bytes([changed[position][0] ^ mask]) + changed[position][1:]
    return changed


class TestInvalidRequests:
    @pytest.mark.parametrize(("index", "size"), [(0, 0), (3, 3), (-1, 4)])
    def test_inclusion_index_outside_the_tree(self, index: int, size: int) -> None:
        with pytest.raises(InvalidProofRequest, match="not in a tree of size"):
            inclusion_proof(index, size, perfect_reader(leaf_hashes(4)))

    @pytest.mark.parametrize(("first", "second"), [(5, 4), (-1, 4)])
    def test_consistency_sizes_out_of_order(self, first: int, second: int) -> None:
        with pytest.raises(InvalidProofRequest, match="need 0 <= first <= second"):
            consistency_proof(first, second, perfect_reader(leaf_hashes(5)))

    def test_consistency_with_empty_or_same_tree_is_empty(self) -> None:
        get = perfect_reader(leaf_hashes(5))
        assert consistency_proof(0, 5, get) == []
        assert consistency_proof(5, 5, get) == []

    @pytest.mark.parametrize(("start", "end"), [(1, 3), (0, 3), (2, 2), (4, 2)])
    def test_imperfect_ranges_have_no_storage_key(self, start: int, end: int) -> None:
        with pytest.raises(InvalidProofRequest, match="not a perfect subtree"):
            node_for_range(start, end)

    def test_unaligned_range_is_not_a_subtree(self) -> None:
        with pytest.raises(InvalidProofRequest, match="multiple of 2"):
            perfect_subtrees(1, 4)

    def test_accumulator_rejects_a_wrong_right_edge(self) -> None:
        with pytest.raises(InvalidProofRequest, match="has 2 right-edge subtrees"):
            MerkleAccumulator(5, [SOME_HASH])


class TestStorageLayout:
    def test_node_keys(self) -> None:
        assert node_for_range(0, 1) == (0, 0)
        assert node_for_range(6, 7) == (0, 6)
        assert node_for_range(4, 8) == (2, 1)
        assert node_for_range(8, 16) == (3, 1)

    def test_decomposition_follows_the_binary_digits(self) -> None:
        assert perfect_subtrees(0, 13) == [(0, 8), (8, 12), (12, 13)]
        assert perfect_subtrees(8, 14) == [(8, 12), (12, 14)]
        assert right_edge_nodes(13) == [(3, 0), (2, 2), (0, 12)]
        assert right_edge_nodes(0) == []

    def test_subtree_hash_folds_right_to_left(self) -> None:
        hashes = leaf_hashes(14)
        get = perfect_reader(hashes)
        assert subtree_hash(8, 14, get) == naive_root(hashes[8:14])
        assert subtree_hash(0, 13, get) == naive_root(hashes[:13])

    def test_append_reports_the_completed_nodes(self) -> None:
        accumulator = MerkleAccumulator()
        hashes = leaf_hashes(4)
        nodes = [accumulator.append(h) for h in hashes]
        assert nodes[0] == [StoredNode(0, 0, hashes[0])]
        assert nodes[1] == [
            StoredNode(0, 1, hashes[1]),
            StoredNode(1, 0, node_hash(hashes[0], hashes[1])),
        ]
        assert [(n.level, n.index) for n in nodes[3]] == [(0, 3), (1, 1), (2, 0)]
        assert nodes[3][-1].hash == naive_root(hashes)

    @pytest.mark.parametrize("size", [1000, 1023, 1024, 1025])
    def test_proofs_read_logarithmically_many_nodes(self, size: int) -> None:
        hashes = leaf_hashes(size)
        for index, first in [(0, 1), (size // 3, size // 2), (size - 1, size - 1)]:
            reads: list[tuple[int, int]] = []
            inclusion_proof(index, size, perfect_reader(hashes, reads))
            consistency_proof(first, size, perfect_reader(hashes, reads))
            assert len(reads) <= 4 * size.bit_length()


@st.composite
def tree_and_index(draw: st.DrawFn) -> tuple[int, int]:
    size = draw(st.integers(min_value=1, max_value=300))
    return size, draw(st.integers(min_value=0, max_value=size - 1))


@st.composite
def two_sizes(draw: st.DrawFn) -> tuple[int, int]:
    second = draw(st.integers(min_value=1, max_value=300))
    return draw(st.integers(min_value=1, max_value=second)), second


HASHES_300 = leaf_hashes(300)


class TestProperties:
    @given(size=st.integers(min_value=0, max_value=300))
    @settings(deadline=None)
    def test_roots_agree_with_the_naive_recursion(self, size: int) -> None:
        hashes = HASHES_300[:size]
        expected = naive_root(hashes)
        assert root_from_leaf_hashes(hashes) == expected
        assert tree_root(size, perfect_reader(hashes)) == expected

    @given(case=tree_and_index(), tamper=st.integers(min_value=0, max_value=2**16))
    @settings(deadline=None)
    def test_every_inclusion_proof_verifies_and_only_for_its_leaf(
        self, case: tuple[int, int], tamper: int
    ) -> None:
        size, index = case
        hashes = HASHES_300[:size]
        root = naive_root(hashes)
        proof = inclusion_proof(index, size, perfect_reader(hashes))
        assert verify_inclusion(hashes[index], index, size, proof, root)
        assert not verify_inclusion(SOME_HASH, index, size, proof, root)
        assert not verify_inclusion(hashes[index], index, size, proof, SOME_HASH)
        if size > 1:
            other = (index + 1 + tamper % (size - 1)) % size
            assert not verify_inclusion(hashes[index], other, size, proof, root)
            position = tamper % len(proof)
            assert not verify_inclusion(
                hashes[index], index, size, flip_bit(proof, position, 1), root
            )

    @given(sizes=two_sizes(), tamper=st.integers(min_value=0, max_value=2**16))
    @settings(deadline=None)
    def test_every_consistency_proof_verifies_and_fails_when_tampered(
        self, sizes: tuple[int, int], tamper: int
    ) -> None:
        first, second = sizes
        hashes = HASHES_300[:second]
        root1, root2 = naive_root(hashes[:first]), naive_root(hashes)
        proof = consistency_proof(first, second, perfect_reader(hashes))
        assert verify_consistency(first, second, root1, root2, proof)
        if first == second:
            return
        assert not verify_consistency(first, second, SOME_HASH, root2, proof)
        assert not verify_consistency(first, second, root1, SOME_HASH, proof)
        position = tamper % len(proof)
        tampered = flip_bit(proof, position, 1 << tamper % 8)
        assert not verify_consistency(first, second, root1, root2, tampered)
        assert not verify_consistency(first, second, root1, root2, proof[:-1])

    @given(
        start=st.integers(min_value=0, max_value=300),
        appended=st.integers(min_value=0, max_value=300),
    )
    @settings(deadline=None)
    def test_accumulator_resumed_from_storage_matches_the_naive_root(
        self, start: int, appended: int
    ) -> None:
        hashes = leaf_hashes(start + appended)
        get = perfect_reader(hashes)
        edge = [get(a, b) for a, b in perfect_subtrees(0, start)] if start else []
        accumulator = MerkleAccumulator(start, edge)
        for position in range(start, start + appended):
            for node in accumulator.append(hashes[position]):
                first_leaf = node.index << node.level
                assert node.hash == get(first_leaf, first_leaf + (1 << node.level))
            assert accumulator.root() == naive_root(hashes[: position + 1])
        assert accumulator.tree_size == start + appended
        assert len(accumulator.right_edge) == (start + appended).bit_count()
