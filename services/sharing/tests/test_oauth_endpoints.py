"""Token, introspection and revocation: RFC 6749 §5.2 errors, §2.3.1 Basic credentials,
RFC 7009 §2.1 ownership, RFC 7662 §4 who may introspect, RFC 8414 metadata."""

import base64
from typing import Any
from urllib.parse import quote_plus

import pytest
from sqlmodel import Session

from samverkan_sharing.oauth.models import ClientRecord
from samverkan_sharing.oauth.secrets import hash_secret, new_secret

ENDPOINTS = ["/oauth/token", "/oauth/introspect", "/oauth/revoke"]
BASIC_CHALLENGE = 'Basic realm="samverkan", charset="UTF-8"'


def _form(endpoint: str) -> dict[str, str]:
    if endpoint == "/oauth/token":
        return {"grant_type": "client_credentials"}
    return {"token": "any"}


class TestErrors:
    """RFC 6749 §5.2: application/json with error and error_description."""

    @pytest.mark.parametrize("endpoint", ENDPOINTS)
    def test_wrong_basic_credentials_are_401_with_a_basic_challenge(
        self, sharing: Any, endpoint: str
    ) -> None:
        client_id, _ = sharing.register()
        response = sharing.client.post(
            endpoint, data=_form(endpoint), auth=(client_id, "wrong")
        )
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/json"
        assert response.headers["www-authenticate"] == BASIC_CHALLENGE
        assert response.headers["cache-control"] == "no-store"
        assert response.json() == {
            "error": "invalid_client",
            "error_description": "Unknown client or wrong secret.",
        }

    @pytest.mark.parametrize("endpoint", ENDPOINTS)
    @pytest.mark.parametrize(
        "credentials",
        [
            b"Basic \xc3\xa5\xc3\xa4",
            b"Basic !!!!",
            b"Basic " + base64.b64encode(b"\xff:x"),
        ],
        ids=["not ASCII", "not base64", "not UTF-8"],
    )
    def test_unreadable_basic_credentials_are_401_not_500(
        self, sharing: Any, endpoint: str, credentials: bytes
    ) -> None:
        response = sharing.client.post(
            endpoint, data=_form(endpoint), headers={"Authorization": credentials}
        )
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == BASIC_CHALLENGE
        assert response.json() == {
            "error": "invalid_client",
            "error_description": "The Basic credentials are not form-urlencoded "
            "UTF-8 in base64.",
        }

    @pytest.mark.parametrize("endpoint", ENDPOINTS)
    def test_no_client_authentication_is_400_without_a_challenge(
        self, sharing: Any, endpoint: str
    ) -> None:
        response = sharing.client.post(endpoint, data=_form(endpoint))
        assert response.status_code == 400
        assert response.headers["content-type"] == "application/json"
        assert "www-authenticate" not in response.headers
        assert response.json() == {
            "error": "invalid_client",
            "error_description": "Authenticate the client with HTTP Basic "
            "(client_secret_basic), a signed client_assertion (private_key_jwt) or "
            "its TLS client certificate and client_id (tls_client_auth, "
            "self_signed_tls_client_auth).",
        }

    @pytest.mark.parametrize("endpoint", ENDPOINTS[1:])
    def test_a_missing_token_is_invalid_request(
        self, sharing: Any, endpoint: str
    ) -> None:
        client_id, secret = sharing.register()
        response = sharing.client.post(
            endpoint, data={"token_type_hint": "access_token"}, auth=(client_id, secret)
        )
        assert response.status_code == 400
        assert response.headers["content-type"] == "application/json"
        assert response.json() == {
            "error": "invalid_request",
            "error_description": "token is required.",
        }

    def test_the_document_says_oauth_errors_are_json(self, sharing: Any) -> None:
        paths = sharing.client.get("/openapi.json").json()["paths"]
        for endpoint in ENDPOINTS:
            responses = paths[endpoint]["post"]["responses"]
            assert set(responses["400"]["content"]) == {"application/json"}
            assert set(responses["401"]["content"]) == {"application/json"}


class TestBasicCredentials:
    """RFC 6749 §2.3.1: id and secret are form-urlencoded, then base64."""

    CLIENT_ID = "Malmö stad:tips+1"
    SECRET = "a secret+with/%&="

    @pytest.fixture
    def client_id(self, sharing: Any) -> str:
        client_id, _ = sharing.register(client_id=self.CLIENT_ID)
        with Session(sharing.client.app.platform.engine) as session:
            record = session.get(ClientRecord, client_id)
            assert record is not None
            record.secret_hash = hash_secret(self.SECRET)
            session.add(record)
            session.commit()
        return str(client_id)

    @staticmethod
    def _basic(client_id: str, secret: str) -> dict[str, str]:
        pair = f"{client_id}:{secret}".encode()
        return {"Authorization": f"Basic {base64.b64encode(pair).decode()}"}

    def test_plus_is_a_space_and_escapes_are_decoded(
        self, sharing: Any, client_id: str
    ) -> None:
        encoded = self._basic(quote_plus(client_id), quote_plus(self.SECRET))
        assert "+" in quote_plus(self.SECRET)  # the space went over the wire as '+'
        response = sharing.client.post(
            "/oauth/token", data={"grant_type": "client_credentials"}, headers=encoded
        )
        assert response.status_code == 200, response.text

    def test_a_percent_escape_of_invalid_utf8_is_invalid_client(
        self, sharing: Any, client_id: str
    ) -> None:
        response = sharing.client.post(
            "/oauth/token",
            data={"grant_type": "client_credentials"},
            headers=self._basic(quote_plus(client_id), "%ff"),
        )
        assert response.status_code == 401
        assert response.json()["error"] == "invalid_client"


def test_metadata_names_the_signing_algorithms_of_every_private_key_jwt_endpoint(
    sharing: Any,
) -> None:
    """RFC 8414 §2: where private_key_jwt is listed, the algorithms are too."""
    body = sharing.client.get("/.well-known/oauth-authorization-server").json()
    for endpoint in ("token", "introspection", "revocation"):
        assert "private_key_jwt" in body[f"{endpoint}_endpoint_auth_methods_supported"]
        assert body[f"{endpoint}_endpoint_auth_signing_alg_values_supported"] == [
            "ES256",
            "EdDSA",
            "RS256",
            "PS256",
        ]


class _Clients:
    def __init__(self, sharing: Any) -> None:
        self.sharing = sharing
        self.owner = sharing.register(scopes=["tips:read"])
        self.other = sharing.register(scopes=["tips:read"])
        self.token = sharing.token(*self.owner)

    def post(self, path: str, auth: tuple[str, str | None], token: str) -> Any:
        client_id, secret = auth
        return self.sharing.client.post(
            path, data={"token": token}, auth=(client_id, secret or "")
        )

    def introspect(self, auth: tuple[str, str | None]) -> dict[str, Any]:
        response = self.post("/oauth/introspect", auth, self.token)
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        return answer


class TestRevocation:
    """RFC 7009 §2.1: a client may revoke its own tokens, and only those."""

    def test_another_clients_token_is_refused_and_stays_valid(
        self, sharing: Any
    ) -> None:
        clients = _Clients(sharing)
        response = clients.post("/oauth/revoke", clients.other, clients.token)
        assert response.status_code == 400
        assert response.headers["content-type"] == "application/json"
        assert response.json() == {
            "error": "unauthorized_client",
            "error_description": "The token was not issued to this client; a client "
            "may revoke only its own tokens.",
        }
        assert sharing.client.get("/oauth/revocations").json()["token_ids"] == []
        assert clients.introspect(clients.owner)["active"] is True

    def test_its_own_token_is_revoked(self, sharing: Any) -> None:
        clients = _Clients(sharing)
        response = clients.post("/oauth/revoke", clients.owner, clients.token)
        assert response.status_code == 200
        assert clients.introspect(clients.owner) == {"active": False}

    def test_a_token_not_issued_here_is_answered_200(self, sharing: Any) -> None:
        """RFC 7009 §2.2: an invalid token is no error the client could act on."""
        clients = _Clients(sharing)
        response = clients.post("/oauth/revoke", clients.other, "not-a-token")
        assert response.status_code == 200


class TestIntrospection:
    """RFC 7662 §4: only the suite's resource servers introspect others' tokens."""

    def test_a_client_learns_nothing_about_another_clients_token(
        self, sharing: Any
    ) -> None:
        clients = _Clients(sharing)
        assert clients.introspect(clients.other) == {"active": False}

    def test_a_client_introspects_its_own_token(self, sharing: Any) -> None:
        clients = _Clients(sharing)
        answer = clients.introspect(clients.owner)
        assert answer["active"] is True
        assert answer["client_id"] == clients.owner[0]

    def test_a_resource_server_introspects_any_token(self, sharing: Any) -> None:
        clients = _Clients(sharing)
        service = sharing.register(kind="service", scopes=["tips:internal"])
        answer = clients.introspect(service)
        assert answer["active"] is True
        assert answer["client_id"] == clients.owner[0]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_form_with_more_parameters_than_any_request_needs_is_refused(
    sharing: Any, endpoint: str
) -> None:
    client_id, secret = sharing.register()
    form = {**_form(endpoint), **{f"extra{n}": "x" for n in range(16)}}
    response = sharing.client.post(endpoint, data=form, auth=(client_id, secret))
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_request",
        "error_description": "The form has more than 16 parameters.",
    }


def test_a_new_secret_is_usable_as_a_command_line_argument() -> None:
    # token_urlsafe begins with "-" once in 64; 2000 draws would meet it ~31 times.
    drawn = [new_secret() for _ in range(2000)]
    assert not [secret for secret in drawn if secret.startswith("-")]
    assert len(set(drawn)) == len(drawn)
    assert all(len(secret) == 43 for secret in drawn)
