"""Server-side sessions: idle timeout, longest lifetime, pending sign-ins used once."""

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from samverkan_console.sessions.store import (
    PENDING_LIFETIME,
    Person,
    SessionStore,
    Tokens,
)
from samverkan_console.web import local_page

T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
PERSON = Person("sub-1", "Anna Andersson", "anna", "212000-1124", ("assessor",))
TOKENS = Tokens("at", T0 + timedelta(minutes=5), frozenset({"disclosures:assess"}))


def _store() -> SessionStore:
    return SessionStore(idle=timedelta(minutes=15), lifetime=timedelta(hours=10))


def test_a_session_lives_while_used_and_ends_after_the_idle_time() -> None:
    store = _store()
    session = store.start(PERSON, TOKENS, T0)

    # Used every ten minutes, it lives on (each use restarts the idle clock) …
    for minutes in range(10, 100, 10):
        assert store.find(session.id, T0 + timedelta(minutes=minutes)) is session
    # … and a pause longer than the idle time ends it, for good.
    later = T0 + timedelta(minutes=90 + 16)
    assert store.find(session.id, later) is None
    assert store.find(session.id, T0 + timedelta(minutes=91)) is None


def test_a_session_ends_after_its_longest_lifetime_however_busy() -> None:
    store = _store()
    session = store.start(PERSON, TOKENS, T0)
    moment = T0
    while moment < T0 + timedelta(hours=10):
        assert store.find(session.id, moment) is session
        moment += timedelta(minutes=10)
    assert store.find(session.id, T0 + timedelta(hours=10, minutes=1)) is None


def test_ending_a_session_forgets_it_and_unknown_ids_find_nothing() -> None:
    store = _store()
    session = store.start(PERSON, TOKENS, T0)
    assert store.end(session.id) is session
    assert store.find(session.id, T0) is None
    assert store.find(None, T0) is None
    assert store.find("", T0) is None


def test_each_session_has_its_own_random_id_and_form_token() -> None:
    store = _store()
    first, second = (store.start(PERSON, TOKENS, T0) for _ in range(2))
    assert first.id != second.id
    assert first.csrf != second.csrf
    assert len(first.id) >= 40
    assert len(first.csrf) >= 40


def test_a_pending_sign_in_is_answered_once_and_only_in_time() -> None:
    store = _store()
    key, pending = store.begin_sign_in("/logg", T0)
    assert store.finish_sign_in(key, T0) == pending
    assert store.finish_sign_in(key, T0) is None  # a replayed answer

    late_key, _ = store.begin_sign_in("/", T0)
    assert store.finish_sign_in(late_key, T0 + PENDING_LIFETIME) is None


def test_the_session_s_scopes_decide_what_it_may() -> None:
    session = _store().start(PERSON, TOKENS, T0)
    assert session.may("disclosures:assess")
    assert not session.may("audit:read")


@given(st.text(max_size=60))
def test_after_sign_in_the_browser_goes_only_to_a_page_of_the_console(
    target: str,
) -> None:
    page = local_page(target)
    assert page.startswith("/")
    assert not page.startswith("//")
    assert not page.startswith("/\\")
    assert page in ("/", target)


def test_open_redirect_targets_become_the_start_page() -> None:
    for target in ("https://evil.example", "//evil.example", "/\\evil", "", None):
        assert local_page(target) == "/"
    assert local_page("/logg?recipient=x") == "/logg?recipient=x"
