"""Runs the audit-log app in uvicorn for the process tests (kill -9, two writers).

Usage: ``python log_process.py DATABASE_URL DATA_DIR PORT JWKS_FILE ISSUER``. The
app trusts the test issuer's keys from JWKS_FILE; the signing and pseudonym keys
are the demo's, created in DATA_DIR on first start and reused after a restart.
"""

import json
import sys
from pathlib import Path

import uvicorn

from samverkan_audit_log.app import create_app
from samverkan_audit_log.settings import AuditLogSettings
from samverkan_shared.auth import TokenValidator


def main() -> None:
    url, data_dir, port, jwks_file, issuer = sys.argv[1:]
    jwks = json.loads(Path(jwks_file).read_text())
    settings = AuditLogSettings(
        data_dir=Path(data_dir), database_url=url, demo=True, issuer=issuer
    )
    validator = TokenValidator(issuer=issuer, audience="audit-log", keys=lambda: jwks)
    app = create_app(settings, token_validator=validator)
    uvicorn.run(app, host="127.0.0.1", port=int(port), access_log=False)


if __name__ == "__main__":
    main()
