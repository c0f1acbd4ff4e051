"""Tests for the RFC 9162 Merkle tree: refused requests, the storage layout and
hypothesis properties (the reference vectors: test_merkle_reference.py)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from samverkan_audit_log.merkle import (
    InvalidProofRequest,
    MerkleAccumulator,
    StoredNode,
    consistency_proof,
    inclusion_proof,
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
from tests.support.merkle_trees import (
    SOME_HASH,
    flip_bit,
    leaf_hashes,
    naive_root,
    perfect_reader,
)


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
