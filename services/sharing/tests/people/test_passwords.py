"""Person passwords are argon2id hashes checked by the library."""

from samverkan_sharing.people.passwords import (
    hash_password,
    needs_rehash,
    new_password,
    verify_password,
)


def test_a_password_matches_its_hash_and_nothing_else() -> None:
    password = new_password()
    stored = hash_password(password)
    assert stored.startswith("$argon2id$")
    assert password not in stored
    assert verify_password(stored, password)
    assert not verify_password(stored, password + "x")
    assert not needs_rehash(stored)


def test_two_hashes_of_one_password_differ_by_their_salt() -> None:
    assert hash_password("lösenord") != hash_password("lösenord")


def test_a_malformed_hash_never_matches() -> None:
    assert not verify_password("scrypt$1$2$3$abc$def", "lösenord")
    assert not verify_password("", "")


def test_initial_passwords_are_long_and_distinct() -> None:
    passwords = {new_password() for _ in range(50)}
    assert len(passwords) == 50
    assert all(len(p) >= 20 for p in passwords)
