"""Token signing keys on disk: rotation keeps live tokens valid, prune deletes only
keys that no live token can name."""

import json
import time
from pathlib import Path

import pytest

from samverkan_shared.cli import main
from samverkan_sharing.oauth.keys import SigningKeyStore

LIFETIME = 300


def _store(folder: Path, *, create: bool = True) -> SigningKeyStore:
    return SigningKeyStore(folder, token_lifetime=LIFETIME, create=create)


def _published(store: SigningKeyStore) -> set[str]:
    return {key["kid"] for key in store.jwks()["keys"]}


def _retire_at(folder: Path, kid: str, moment: float) -> None:
    index = folder / "keys.json"
    document = json.loads(index.read_text())
    for entry in document["keys"]:
        if entry["kid"] == kid:
            entry["retired_at"] = moment
    index.write_text(json.dumps(document))


class TestPrune:
    def test_deletes_retired_keys_past_their_tokens_and_keeps_the_rest(
        self, tmp_path: Path
    ) -> None:
        store = _store(tmp_path)
        oldest = store.current().kid
        middle = store.rotate().kid
        current = store.rotate().kid
        now = time.time()
        # The oldest was retired long ago; the middle one a moment ago.
        _retire_at(tmp_path, oldest, now - LIFETIME - 61)
        _retire_at(tmp_path, middle, now - 5)

        assert _store(tmp_path).prune(now=now) == [oldest]

        fresh = _store(tmp_path, create=False)
        assert _published(fresh) == {middle, current}
        assert fresh.current().kid == current
        assert not (tmp_path / f"{oldest}.pem").exists()
        assert (tmp_path / f"{middle}.pem").exists()
        kids = {
            e["kid"] for e in json.loads((tmp_path / "keys.json").read_text())["keys"]
        }
        assert kids == {middle, current}

    def test_the_boundary_is_the_token_lifetime_plus_a_minute(
        self, tmp_path: Path
    ) -> None:
        store = _store(tmp_path)
        old = store.current().kid
        store.rotate()
        retired = time.time()
        _retire_at(tmp_path, old, retired)
        assert _store(tmp_path).prune(now=retired + LIFETIME + 59) == []
        assert _store(tmp_path).prune(now=retired + LIFETIME + 61) == [old]

    def test_never_deletes_the_current_key(self, tmp_path: Path) -> None:
        store = _store(tmp_path)
        current = store.current().kid
        assert store.prune(now=time.time() + 10 * 365 * 86400) == []
        assert _store(tmp_path, create=False).current().kid == current

    def test_a_running_store_keeps_working_after_a_prune(self, tmp_path: Path) -> None:
        running = _store(tmp_path)
        old = running.current().kid
        running.rotate()
        _retire_at(tmp_path, old, time.time() - LIFETIME - 61)
        assert old not in _published(running)
        time.sleep(0.01)  # a distinct mtime for the rewritten index
        _store(tmp_path).prune()
        assert old not in _published(running)
        assert running.current().kid != old


class TestCommand:
    def test_prune_reports_what_it_deleted(
        self,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        monkeypatch.setenv("SHARING_SIGNING_KEYS_DIR", str(tmp_path))
        monkeypatch.setenv("SHARING_TOKEN_LIFETIME", str(LIFETIME))
        store = _store(tmp_path)
        old = store.current().kid
        store.rotate()
        _retire_at(tmp_path, old, time.time() - LIFETIME - 61)

        assert main(["keys", "prune"]) == 0
        assert old in capsys.readouterr().out
        assert main(["keys", "prune"]) == 0
        assert "no retired signing key" in capsys.readouterr().out

    def test_prune_without_keys_says_where_it_looked(
        self,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        monkeypatch.setenv("SHARING_SIGNING_KEYS_DIR", str(tmp_path / "none"))
        assert main(["keys", "prune"]) == 1
        assert str(tmp_path / "none") in capsys.readouterr().err
        assert not (tmp_path / "none").exists()  # nothing created on the way
