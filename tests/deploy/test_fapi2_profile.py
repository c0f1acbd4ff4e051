"""Production runs sharing under the FAPI 2.0 profile; the base and the demo do not."""

import pytest

from samverkan_sharing.settings import SharingSettings
from tests.support.manifests import rendered


def _config(name: str) -> dict[str, str]:
    (config,) = [
        resource
        for resource in rendered(name)
        if resource["kind"] == "ConfigMap"
        and resource["metadata"]["name"] == "samverkan-config"
    ]
    data: dict[str, str] = config["data"]
    return data


@pytest.mark.parametrize(
    ("name", "profile"),
    [("overlays/production", "fapi2"), ("base", None), ("overlays/demo", None)],
)
def test_the_profile_of_each_installation(name: str, profile: str | None) -> None:
    config = _config(name)
    assert config.get("SHARING_PROFILE") == profile
    if profile is not None:
        assert SharingSettings(SHARING_PROFILE=profile).fapi2
