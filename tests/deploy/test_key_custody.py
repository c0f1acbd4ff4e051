"""The audit log's keys stay apart from the databases and their backups (issue #16).

The pseudonym key turns the log's subjects back into identity numbers (a birth year in
seconds), so it is kept like the identity numbers themselves; like the checkpoint
signing key it reaches only the services that use it, read-only from its Secret, and
never a pod that holds a database volume or runs the migrations.
"""

import pytest

from tests.support.kustomize import load_documents
from tests.support.manifests import (
    INSTALLABLE,
    KUBERNETES,
    containers,
    pod_specs,
    rendered,
)

# Secret -> the workloads that may mount it
KEY_SECRETS = {
    "samverkan-pseudonym-key": {"sharing", "audit-log"},
    "samverkan-audit-log-signing-key": {"audit-log"},
}


@pytest.mark.parametrize("name", INSTALLABLE)
def test_the_keys_reach_only_their_services_read_only(name: str) -> None:
    for workload, pod in pod_specs(rendered(name)):
        volumes = {volume["name"]: volume for volume in pod.get("volumes", [])}
        keys = {
            volume_name: volume["secret"]["secretName"]
            for volume_name, volume in volumes.items()
            if volume.get("secret", {}).get("secretName") in KEY_SECRETS
        }
        owner = workload["metadata"]["name"]
        for secret in keys.values():
            assert owner in KEY_SECRETS[secret], (name, owner, secret)
        if keys:
            assert not any("persistentVolumeClaim" in v for v in volumes.values())
        for container in containers(pod):
            for mount in container.get("volumeMounts", []):
                if mount["name"] in keys:
                    assert mount.get("readOnly") is True, (owner, mount)


@pytest.mark.parametrize("name", INSTALLABLE)
def test_no_database_pod_or_migration_sees_a_key(name: str) -> None:
    for workload, pod in pod_specs(rendered(name)):
        images = " ".join(c["image"] for c in containers(pod))
        is_database = "postgres" in images
        is_migration = workload["kind"] == "Job"
        if not (is_database or is_migration):
            continue
        secrets = {
            v.get("secret", {}).get("secretName") for v in pod.get("volumes", [])
        }
        assert not secrets & KEY_SECRETS.keys(), workload["metadata"]["name"]


def test_the_key_secrets_are_left_out_of_cluster_backups() -> None:
    example = load_documents(KUBERNETES / "base" / "secret.example.yaml")
    labels = {
        document["metadata"]["name"]: document["metadata"].get("labels", {})
        for document in example
    }
    for secret in KEY_SECRETS:
        assert labels[secret].get("velero.io/exclude-from-backup") == "true", secret
