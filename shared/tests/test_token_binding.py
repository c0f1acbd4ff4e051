"""A token's binding as resource servers read it: ``cnf.jkt`` (RFC 9449 §6.1), and
no other binding passing for none."""

import pytest

from samverkan_shared.problems import Unauthenticated
from tests.support.tokens import TestIssuer


def test_a_dpop_bound_token_names_its_key(issuer: TestIssuer) -> None:
    token = issuer.token(["tips:read"], cnf={"jkt": "thumbprint"})
    assert issuer.validator("tips").validate(token).jkt == "thumbprint"
    assert issuer.validator("tips").validate(issuer.token(["tips:read"])).jkt is None


@pytest.mark.parametrize(
    "cnf",
    [
        pytest.param({"x5t#S256": "certificate"}, id="certificate-bound"),
        pytest.param({"jkt": "key", "x5t#S256": "certificate"}, id="both"),
        pytest.param({"jkt": 7}, id="jkt not a string"),
        pytest.param("jkt", id="not an object"),
    ],
)
def test_a_binding_this_service_cannot_check_is_refused(
    issuer: TestIssuer, cnf: object
) -> None:
    token = issuer.token(["tips:read"], cnf=cnf)
    with pytest.raises(Unauthenticated, match="bound by a method other than DPoP"):
        issuer.validator("tips").validate(token)
