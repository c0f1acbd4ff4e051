"""A stolen certificate-bound token is useless over real HTTP (RFC 8705 §3): behind an
ingress the services trust (SAMVERKAN_TRUST_CLIENT_CERT_HEADER), clients registered
with ``samverkan clients add --tls-subject-dn`` or ``--tls-certificate`` get tokens
bound to their certificate; replayed with another certificate, or none, they fail at
tips, sharing and audit-log, while the holder's own requests pass.

Most tests play the ingress: they send the Client-Cert header (RFC 9440) the ingress
would set after verifying the TLS client certificate. One puts the runbook's nginx in
front (deploy/README.md 1.5, as printed), where an nginx with its njs module is
installed, and is skipped, saying so, where none is.
"""

import base64
import json
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from samverkan_shared.supervisor import Suite
from tests.support.certificates import (
    POLICE_DN,
    Certificate,
    CertificateAuthority,
    make_certificate,
)
from tests.support.processes import free_port, start_suite, suite_logs

pytestmark = pytest.mark.e2e

# (client registration beyond the name, service, a path it may read)
HOLDINGS = [
    (
        [
            "--kind",
            "municipality",
            "--org-number",
            "212000-1124",
            "--scopes",
            "tips:read",
        ],
        "tips",
        "/v1/tips",
    ),
    (
        [
            *("--kind", "partner", "--org-number", "202100-0076"),
            *("--recipient", "polismyndigheten", "--scopes", "disclosures:request"),
        ],
        "sharing",
        "/v1/disclosure-requests",
    ),
    (
        [
            "--kind",
            "compliance",
            "--org-number",
            "202100-0076",
            "--scopes",
            "audit:read",
        ],
        "audit-log",
        "/v1/entries",
    ),
]


@pytest.fixture(scope="module")
def suite_behind_ingress(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Suite]:
    suite = start_suite(
        tmp_path_factory.mktemp("mtls-suite"),
        env={"SAMVERKAN_TRUST_CLIENT_CERT_HEADER": "true"},
    )
    try:
        suite.wait_ready()
        suite.after_start()
    except Exception:  # any start-up failure: show the services' own logs
        suite.stop()
        pytest.fail(f"the suite did not start:\n{suite_logs(suite)}")
    yield suite
    suite.stop()


def _add_client(suite: Suite, arguments: list[str]) -> str:
    """``samverkan clients add`` against the running suite's database."""
    command = Path(sys.executable).parent / "samverkan"
    finished = subprocess.run(
        [str(command), "clients", "add", "--name", "Ingress-klient", *arguments],
        env=suite.env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr
    client_id: str = json.loads(finished.stdout)["client_id"]
    return client_id


def _token(suite: Suite, client_id: str, certificate: Certificate) -> str:
    response = httpx.post(
        f"{suite.url('sharing')}/oauth/token",
        data={"grant_type": "client_credentials", "client_id": client_id},
        headers=certificate.header,
        timeout=30.0,
    )
    assert response.status_code == 200, response.text
    assert response.json()["token_type"] == "Bearer"
    token: str = response.json()["access_token"]
    return token


@pytest.mark.parametrize(("registration", "service", "path"), HOLDINGS)
def test_a_stolen_bound_token_fails_where_its_holder_s_request_passes(
    suite_behind_ingress: Suite,
    tmp_path: Path,
    registration: list[str],
    service: str,
    path: str,
) -> None:
    suite = suite_behind_ingress
    holder = make_certificate()
    (tmp_path / "holder.pem").write_bytes(holder.pem)
    client_id = _add_client(
        suite, [*registration, "--tls-certificate", str(tmp_path / "holder.pem")]
    )
    token = _token(suite, client_id, holder)
    url = f"{suite.url(service)}{path}"
    bearer = {"Authorization": f"Bearer {token}"}
    assert httpx.get(url, headers={**bearer, **holder.header}).status_code == 200

    with_thief_s_certificate = httpx.get(
        url, headers={**bearer, **make_certificate().header}
    )
    without_certificate = httpx.get(url, headers=bearer)
    for refused, words in (
        (with_thief_s_certificate, "another TLS client certificate"),
        (without_certificate, "none was presented"),
    ):
        assert refused.status_code == 401, refused.text
        challenge = refused.headers["www-authenticate"]
        assert challenge.startswith('Bearer error="invalid_token"')
        assert words in challenge


def test_a_partner_authenticated_by_its_subject_dn_gets_a_bound_token(
    suite_behind_ingress: Suite,
) -> None:
    """tls_client_auth: any certificate with the registered subject (the ingress
    vouches for its issuer) authenticates; the token is bound to that one only."""
    suite = suite_behind_ingress
    registration, service, path = HOLDINGS[1]
    client_id = _add_client(suite, [*registration, "--tls-subject-dn", POLICE_DN])
    first, second = make_certificate(), make_certificate()
    token = _token(suite, client_id, first)
    url = f"{suite.url(service)}{path}"
    bearer = {"Authorization": f"Bearer {token}"}
    assert httpx.get(url, headers={**bearer, **first.header}).status_code == 200
    assert httpx.get(url, headers={**bearer, **second.header}).status_code == 401
    refused = httpx.post(
        f"{suite.url('sharing')}/oauth/token",
        data={"grant_type": "client_credentials", "client_id": client_id},
        headers=make_certificate(common_name="Tullverket").header,
    )
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_client"


RUNBOOK = Path(__file__).resolve().parents[2] / "deploy" / "README.md"
NJS_MODULES = (
    Path("/usr/lib/nginx/modules/ngx_http_js_module.so"),
    Path("/usr/share/nginx/modules/ngx_http_js_module.so"),
)


def _runbook_block(language: str) -> str:
    section = RUNBOOK.read_text(encoding="utf-8").split("### 1.5 ", 1)[1]
    return textwrap.dedent(section.split(f"```{language}\n", 1)[1].split("```", 1)[0])


def _replaced(text: str, replacements: dict[str, str]) -> str:
    for old, new in replacements.items():
        assert text.count(old) == 1, f"the runbook's nginx block has no {old!r}"
        text = text.replace(old, new)
    return text


def _write(directory: Path, files: dict[str, bytes]) -> None:
    for name, content in files.items():
        (directory / name).write_bytes(content)


def _nginx_with_njs() -> tuple[str, Path]:
    """The nginx program and its njs module, or a skip that says what to install."""
    nginx = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    module = next((path for path in NJS_MODULES if path.exists()), None)
    if nginx is None or module is None:
        pytest.skip(
            "no nginx with its njs module: install Debian's nginx-light and "
            "libnginx-mod-http-js to run the runbook's ingress"
        )
    return nginx, module


def _write_nginx_conf(directory: Path, module: Path, port: int, sharing: str) -> None:
    """nginx.conf around the runbook's server block, with every path in ``directory``."""
    server_block = _replaced(
        _runbook_block("nginx"),
        {
            "/etc/nginx/client_cert.js": str(directory / "client_cert.js"),
            "listen 443 ssl;": f"listen 127.0.0.1:{port} ssl;",
            "/etc/nginx/tls/sharing.pem": str(directory / "server.pem"),
            "/etc/nginx/tls/sharing.key": str(directory / "server.key"),
            "/etc/nginx/tls/partner-ca.pem": str(directory / "ca.pem"),
            "http://sharing:8002": sharing,
        },
    )
    temporary = " ".join(
        f"{kind}_temp_path {directory / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (directory / "nginx.conf").write_text(
        f"load_module {module};\ndaemon off;\npid {directory / 'nginx.pid'};\n"
        f"error_log {directory / 'error.log'};\nevents {{}}\n"
        f"http {{\naccess_log off;\n{temporary}\n{server_block}\n}}\n"
    )


def _quit(process: "subprocess.Popen[bytes]") -> None:
    """nginx's graceful shutdown, then a kill if it takes longer than 10 s."""
    process.send_signal(signal.SIGQUIT)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture
def runbook_nginx(suite_behind_ingress: Suite, tmp_path: Path) -> Iterator[Any]:
    """The runbook's nginx in front of the suite's sharing, with a test CA: yields
    (its port, the CA, the partner's certificate the CA issued)."""
    nginx, module = _nginx_with_njs()
    authority = CertificateAuthority()
    server = authority.issue("localhost", "Samverkan", dns_name="localhost")
    partner = authority.issue()  # CN=Polisen,O=Polismyndigheten,C=SE
    _write(
        tmp_path,
        {
            "ca.pem": authority.certificate.pem,
            "server.pem": server.pem,
            "server.key": server.key_pem,
            "client_cert.js": _runbook_block("js").encode(),
        },
    )
    port = free_port()
    _write_nginx_conf(tmp_path, module, port, suite_behind_ingress.url("sharing"))
    prefix, log, conf = (str(tmp_path / n) for n in ("", "error.log", "nginx.conf"))
    process = subprocess.Popen(
        [nginx, "-p", prefix, "-e", log, "-c", conf],
        stderr=subprocess.PIPE,
    )
    try:
        _wait_listening(port, process, tmp_path / "error.log")
        yield port, authority, partner
    finally:
        _quit(process)


def _wait_listening(port: int, process: "subprocess.Popen[bytes]", log: Path) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            errors = process.stderr.read().decode() if process.stderr else ""
            text = log.read_text() if log.exists() else ""
            pytest.fail(f"nginx did not start:\n{errors}\n{text}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    pytest.fail("nginx did not listen within 15 s")


def _tls_context(
    tmp_path: Path, authority: CertificateAuthority, client: Certificate
) -> ssl.SSLContext:
    context = ssl.create_default_context(cadata=authority.certificate.pem.decode())
    _write(tmp_path, {"partner.pem": client.pem, "partner.key": client.key_pem})
    context.load_cert_chain(tmp_path / "partner.pem", tmp_path / "partner.key")
    return context


def test_the_runbook_s_nginx_forwards_the_verified_certificate_and_no_other(
    suite_behind_ingress: Suite, runbook_nginx: Any, tmp_path: Path
) -> None:
    """A partner connects with its certificate and also writes a Client-Cert of its
    own: nginx replaces it with the one it verified, which authenticates the
    partner and binds its token, and the token works through the ingress."""
    port, authority, partner = runbook_nginx
    registration, _, path = HOLDINGS[1]
    client_id = _add_client(
        suite_behind_ingress, [*registration, "--tls-subject-dn", POLICE_DN]
    )
    ingress = httpx.Client(
        base_url=f"https://localhost:{port}",
        verify=_tls_context(tmp_path, authority, partner),
        timeout=30.0,
    )
    with ingress:
        forged = make_certificate().header
        response = ingress.post(
            "/oauth/token",
            data={"grant_type": "client_credentials", "client_id": client_id},
            headers=forged,
        )
        assert response.status_code == 200, response.text
        token = response.json()["access_token"]
        payload = token.split(".")[1]
        claims = json.loads(
            base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        )
        assert claims["cnf"] == {"x5t#S256": partner.thumbprint}
        bearer = {"Authorization": f"Bearer {token}", **forged}
        assert ingress.get(path, headers=bearer).status_code == 200
