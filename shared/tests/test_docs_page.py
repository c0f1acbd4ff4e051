"""/docs works on a closed network: the page and every file it loads come from the service."""

from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from tests.support.apps import bare_app


class _Links(HTMLParser):
    """Every src and href of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.links += [v for k, v in attrs if k in {"src", "href"} and v is not None]


def _links(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.links


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(bare_app(tmp_path)) as client:
        yield client


class TestDocsPage:
    def test_loads_nothing_from_another_host(self, client: TestClient) -> None:
        """Every src and href on /docs is same-origin; no URL of any host is written."""
        response = client.get("/docs")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
        links = _links(response.text)
        assert sorted(links) == [
            "/docs/assets/favicon.png",
            "/docs/assets/swagger-ui-bundle.js",
            "/docs/assets/swagger-ui.css",
        ]
        assert all(not urlsplit(link).netloc for link in links)
        assert "http://" not in response.text
        assert "https://" not in response.text
        assert "url: '/openapi.json'" in response.text
        assert '"validatorUrl": null' in response.text

    @pytest.mark.parametrize(
        ("name", "media_type", "starts"),
        [
            ("swagger-ui-bundle.js", "text/javascript; charset=utf-8", b""),
            ("swagger-ui.css", "text/css; charset=utf-8", b""),
            ("favicon.png", "image/png", b"\x89PNG"),
        ],
    )
    def test_serves_each_asset_with_its_type(
        self, client: TestClient, name: str, media_type: str, starts: bytes
    ) -> None:
        response = client.get(f"/docs/assets/{name}")
        assert response.status_code == 200
        assert response.headers["content-type"] == media_type
        assert response.headers["cache-control"] == "public, max-age=86400"
        assert response.content.startswith(starts)
        assert len(response.content) > 1000

    def test_the_bundle_is_swagger_ui_5(self, client: TestClient) -> None:
        """Swagger UI 4 cannot render the OpenAPI 3.1 documents FastAPI writes."""
        bundle = client.get("/docs/assets/swagger-ui-bundle.js").text
        assert "SwaggerUIBundle" in bundle
        assert client.get("/openapi.json").json()["openapi"].startswith("3.1")
        assert '"5.' in bundle

    @pytest.mark.parametrize("name", ["redoc.standalone.js", "__init__.py", "x"])
    def test_serves_no_other_file(self, client: TestClient, name: str) -> None:
        response = client.get(f"/docs/assets/{name}")
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["detail"] == "The docs have no such file."

    @pytest.mark.parametrize("name", ["..%2F__init__.py", "%2e%2e/core.py"])
    def test_serves_nothing_outside_its_folder(
        self, client: TestClient, name: str
    ) -> None:
        response = client.get(f"/docs/assets/{name}")
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"

    def test_needs_no_token_and_is_not_documented(self, client: TestClient) -> None:
        document = client.get("/openapi.json").json()
        assert not [path for path in document["paths"] if path.startswith("/docs")]
        assert client.get("/docs", headers={}).status_code == 200

    def test_honours_a_root_path(self, tmp_path: Path) -> None:
        """Behind a proxy that mounts the service under a prefix, links keep it."""
        with TestClient(bare_app(tmp_path), root_path="/tips") as client:
            links = _links(client.get("/docs").text)
        assert all(link.startswith("/tips/docs/assets/") for link in links)
