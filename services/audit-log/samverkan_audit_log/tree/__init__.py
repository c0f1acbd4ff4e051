"""The stored Merkle tree: the sequencer's size and the perfect subtrees proofs fold."""
