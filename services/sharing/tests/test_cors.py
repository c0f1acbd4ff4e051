"""The docs' "Authorize" on another service's page may ask the token endpoint across
origins: only from the suite's own origins, never with credentials."""

from collections.abc import Callable

import httpx
import pytest
from pydantic import ValidationError

from samverkan_sharing.cors import parse_origins, suite_origins
from samverkan_sharing.settings import SharingSettings
from tests.support.sharing import ISSUER, Sharing

TIPS_DOCS = "http://127.0.0.1:8001"  # the default tips URL's origin
# What a browser sends before Swagger UI's client-credentials POST.
PREFLIGHT = {
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "authorization,content-type,x-requested-with",
}


def _preflight(
    sharing: Sharing, origin: str, path: str = "/oauth/token"
) -> httpx.Response:
    return sharing.client.options(path, headers={"Origin": origin, **PREFLIGHT})


class TestPreflight:
    @pytest.mark.parametrize(
        "origin",
        [TIPS_DOCS, "http://localhost:8001", "http://127.0.0.1:8003", ISSUER],
    )
    def test_an_origin_of_the_suite_may_post(
        self, sharing: Sharing, origin: str
    ) -> None:
        response = _preflight(sharing, origin)
        assert response.status_code == 200
        assert response.headers["access-control-allow-origin"] == origin
        assert "POST" in response.headers["access-control-allow-methods"]
        allowed = response.headers["access-control-allow-headers"].lower()
        assert {"authorization", "content-type", "x-requested-with"} <= {
            h.strip() for h in allowed.split(",")
        }
        assert "access-control-allow-credentials" not in response.headers
        assert response.headers["vary"] == "Origin"

    @pytest.mark.parametrize(
        "origin", ["http://evil.example", "http://127.0.0.1:9999", "null"]
    )
    def test_another_origin_gets_no_allowance(
        self, sharing: Sharing, origin: str
    ) -> None:
        response = _preflight(sharing, origin)
        assert response.status_code == 400
        assert "access-control-allow-origin" not in response.headers

    @pytest.mark.parametrize(
        "path", ["/oauth/introspect", "/oauth/revoke", "/v1/disclosure-requests"]
    )
    def test_only_the_token_endpoint_answers_across_origins(
        self, sharing: Sharing, path: str
    ) -> None:
        response = _preflight(sharing, TIPS_DOCS, path)
        assert response.status_code == 405
        assert "access-control-allow-origin" not in response.headers


class TestTokenAnswer:
    def test_a_token_is_readable_by_the_page(self, sharing: Sharing) -> None:
        client_id, secret = sharing.register(scopes=["tips:read"])
        response = sharing.client.post(
            "/oauth/token",
            data={"grant_type": "client_credentials", "scope": "tips:read"},
            auth=(client_id, secret or ""),
            headers={"Origin": TIPS_DOCS, "X-Requested-With": "XMLHttpRequest"},
        )
        assert response.status_code == 200
        assert response.json()["access_token"]
        assert response.headers["access-control-allow-origin"] == TIPS_DOCS
        assert "access-control-allow-credentials" not in response.headers

    def test_an_oauth_error_is_readable_by_the_page(self, sharing: Sharing) -> None:
        response = sharing.client.post(
            "/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=("nobody", "wrong"),
            headers={"Origin": TIPS_DOCS},
        )
        assert response.status_code == 401
        assert response.json()["error"] == "invalid_client"
        assert response.headers["access-control-allow-origin"] == TIPS_DOCS

    def test_another_origin_is_not_told_the_answer(self, sharing: Sharing) -> None:
        response = sharing.client.post(
            "/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=("nobody", "wrong"),
            headers={"Origin": "http://evil.example"},
        )
        assert "access-control-allow-origin" not in response.headers


class TestConfiguredOrigins:
    def test_the_setting_replaces_the_defaults(
        self, sharing_factory: Callable[..., Sharing]
    ) -> None:
        sharing = sharing_factory(
            cors_origins="https://docs.kommun.example, https://api.kommun.example:8443/"
        )
        allowed = _preflight(sharing, "https://api.kommun.example:8443")
        assert allowed.headers["access-control-allow-origin"] == (
            "https://api.kommun.example:8443"
        )
        refused = _preflight(sharing, TIPS_DOCS)
        assert "access-control-allow-origin" not in refused.headers

    def test_an_empty_setting_allows_no_origin(
        self, sharing_factory: Callable[..., Sharing]
    ) -> None:
        sharing = sharing_factory(cors_origins="")
        response = _preflight(sharing, TIPS_DOCS)
        assert "access-control-allow-origin" not in response.headers

    @pytest.mark.parametrize(
        "value",
        [
            "*",
            "http://127.0.0.1:8001, *",
            "https://kommun.example/docs",
            "ftp://x",
            "x",
        ],
    )
    def test_a_setting_that_is_no_list_of_origins_stops_the_start(
        self, value: str
    ) -> None:
        with pytest.raises(ValidationError, match="SHARING_CORS_ORIGINS"):
            SharingSettings(cors_origins=value)

    def test_the_environment_variable_is_read(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("SHARING_CORS_ORIGINS", "https://docs.kommun.example")
        assert SharingSettings().effective_cors_origins == (
            "https://docs.kommun.example",
        )


class TestOrigins:
    def test_the_defaults_are_the_services_own_origins(self) -> None:
        settings = SharingSettings(
            tips_url="http://127.0.0.1:8011/",
            issuer="https://sharing.kommun.example",
            audit_log_url="http://localhost:8013",
        )
        assert settings.effective_cors_origins == (
            "http://127.0.0.1:8011",
            "http://localhost:8011",
            "https://sharing.kommun.example",
            "http://localhost:8013",
            "http://127.0.0.1:8013",
        )

    @pytest.mark.parametrize(
        ("value", "origins"),
        [
            ("HTTP://Docs.Example:80", ("http://docs.example",)),
            ("https://a.example:443 https://a.example", ("https://a.example",)),
            ("http://[::1]:8001", ("http://[::1]:8001",)),
            ("", ()),
        ],
    )
    def test_origins_are_written_as_a_browser_sends_them(
        self, value: str, origins: tuple[str, ...]
    ) -> None:
        assert parse_origins(value) == origins

    def test_a_setting_that_is_no_web_address_adds_no_origin(self) -> None:
        assert suite_origins(["none", "http://127.0.0.1:8003"]) == (
            "http://127.0.0.1:8003",
            "http://localhost:8003",
        )
