"""A token's binding as resource servers read it: ``cnf.jkt`` (RFC 9449 §6.1) or
``cnf.x5t#S256`` (RFC 8705 §3.1), one of them, and no other binding passing for none."""

import pytest

from samverkan_shared.problems import Unauthenticated
from tests.support.tokens import TestIssuer


def test_a_dpop_bound_token_names_its_key(issuer: TestIssuer) -> None:
    token = issuer.token(["tips:read"], cnf={"jkt": "thumbprint"})
    validated = issuer.validator("tips").validate(token)
    assert validated.jkt == "thumbprint"
    assert validated.x5t_s256 is None
    assert issuer.validator("tips").validate(issuer.token(["tips:read"])).jkt is None


def test_a_certificate_bound_token_names_its_certificate(issuer: TestIssuer) -> None:
    token = issuer.token(["tips:read"], cnf={"x5t#S256": "certificate"})
    validated = issuer.validator("tips").validate(token)
    assert validated.x5t_s256 == "certificate"
    assert validated.jkt is None
    unbound = issuer.validator("tips").validate(issuer.token(["tips:read"]))
    assert unbound.x5t_s256 is None


@pytest.mark.parametrize(
    "cnf",
    [
        pytest.param({"jkt": "key", "x5t#S256": "certificate"}, id="both"),
        pytest.param({"x5t": "sha-1 thumbprint"}, id="another method"),
        pytest.param({}, id="no method"),
        pytest.param({"jkt": 7}, id="jkt not a string"),
        pytest.param({"x5t#S256": ["certificate"]}, id="x5t#S256 not a string"),
        pytest.param("jkt", id="not an object"),
    ],
)
def test_a_binding_this_service_cannot_check_is_refused(
    issuer: TestIssuer, cnf: object
) -> None:
    token = issuer.token(["tips:read"], cnf=cnf)
    with pytest.raises(Unauthenticated, match="bound by a method other than one"):
        issuer.validator("tips").validate(token)
