"""The look-up indexes a server serves, checked against the leaves they come from.

``legal_basis=`` and ``tip_id=`` filters and subject look-ups read index rows, not
leaves; the verifier rebuilds those rows from each verified entry and compares
(issue #16).
"""

from collections.abc import Iterable, Sequence

from samverkan_audit_log.verification.verifier import VerificationFailed

__all__ = ["IndexCheck"]


# The leaf's arrays the database derives index rows from, and what a failure calls them.
_ARRAYS = (("legal_basis", "legal basis"), ("subjects", "subject"), ("tip_ids", "tip"))
_Indexed = tuple[tuple[str, ...], ...]
_NOTHING: _Indexed = tuple(() for _ in _ARRAYS)


class IndexCheck:
    """The server's look-up indexes, compared entry by entry with the leaves.

    ``legal_basis=`` and ``tip_id=`` filters and subject look-ups read index rows,
    not leaves: a forged row would attribute an entry to a person or a tip, a
    missing one hide it. For each verified entry, in order, the index rows the
    server serves (``served``: lines ``{"index", "legal_basis", "subjects",
    "tip_ids"}`` in index order, none for an entry without rows) must be the
    distinct strings of the entry's own arrays of those names.
    """

    def __init__(self, served: Iterable[Sequence[object]], tree_size: int) -> None:
        self._batches = iter(served)
        self._lines: list[object] = []
        self._position = 0
        self._tree_size = tree_size
        self.checked = 0

    def add_page(self, page: Sequence[object]) -> None:
        """Check the entries of a page that ``LogVerifier`` has accepted."""
        for raw in page[: max(self._tree_size - self.checked, 0)]:
            entry = raw.get("entry") if isinstance(raw, dict) else None
            self._check(self.checked, _implied(entry))
            self.checked += 1

    def finish(self) -> None:
        """No index rows beyond the verified entries (below the checkpoint's size)."""
        line = self._peek()
        if line is not None:
            raise VerificationFailed(
                f"index rows name entry {line[0]}, which the log does not hold "
                "or not in order"
            )

    def _check(self, index: int, implied: _Indexed) -> None:
        line = self._peek()
        served = _NOTHING
        if line is not None and line[0] == index:
            served = line[1]
            self._position += 1
        elif line is not None and line[0] < index:
            self.finish()
        if served == implied:
            return
        for (_, name), has, named in zip(_ARRAYS, served, implied, strict=True):
            extra, missing = (
                sorted(set(has) - set(named)),
                sorted(set(named) - set(has)),
            )
            if extra or missing:
                raise VerificationFailed(
                    f"entry {index}: the {name} index does not match the leaf "
                    f"(index rows the leaf does not name: {extra}; "
                    f"named but not indexed: {missing}), so look-ups answer wrongly"
                )

    def _peek(self) -> tuple[int, _Indexed] | None:
        while self._position >= len(self._lines):
            batch = next(self._batches, None)
            if batch is None:
                return None
            self._lines, self._position = list(batch), 0
        return _served(self._lines[self._position])


def _implied(entry: object) -> _Indexed:
    """The distinct strings of each of the entry's indexed arrays, sorted."""
    if not isinstance(entry, dict):
        return _NOTHING
    return tuple(_strings(entry.get(array)) for array, _ in _ARRAYS)


def _served(line: object) -> tuple[int, _Indexed]:
    if isinstance(line, dict) and type(line.get("index")) is int:
        found = [line.get(array) for array, _ in _ARRAYS]
        if all(isinstance(values, list) for values in found):
            return line["index"], tuple(_strings(values) for values in found)
    raise VerificationFailed(f"index export: a line is not well-formed: {line!r:.200}")


def _strings(values: object) -> tuple[str, ...]:
    if not isinstance(values, list):
        return ()
    return tuple(sorted({value for value in values if isinstance(value, str)}))
