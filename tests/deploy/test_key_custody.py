"""The audit log's keys stay apart from the databases and their backups (issue #16).

The pseudonym key turns the log's subjects back into identity numbers (a birth year in
seconds), so it is kept like the identity numbers themselves; like the checkpoint
signing key it reaches only the services that use it, read-only from its Secret, and
never a pod that holds a database volume or runs the migrations. The console, which
faces browsers, holds neither: only its own client secret and the pinned verifier key.
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
# The console's own: its client registration and the audit-log key it pins.
CONSOLE_SECRETS = {
    "samverkan-console-client": {"console"},
    "samverkan-console-log-key": {"console"},
}
MOUNTED_ONLY_BY = {**KEY_SECRETS, **CONSOLE_SECRETS}


@pytest.mark.parametrize("name", INSTALLABLE)
def test_the_keys_reach_only_their_services_read_only(name: str) -> None:
    for workload, pod in pod_specs(rendered(name)):
        volumes = {volume["name"]: volume for volume in pod.get("volumes", [])}
        keys = {
            volume_name: volume["secret"]["secretName"]
            for volume_name, volume in volumes.items()
            if volume.get("secret", {}).get("secretName") in MOUNTED_ONLY_BY
        }
        owner = workload["metadata"]["name"]
        for secret in keys.values():
            assert owner in MOUNTED_ONLY_BY[secret], (name, owner, secret)
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


@pytest.mark.parametrize("name", INSTALLABLE)
def test_the_console_sees_no_key_of_the_log_or_the_pseudonyms(name: str) -> None:
    """The pages face browsers: a leak there must not hand over the pseudonym key
    (the identity numbers) or the checkpoint key (forged checkpoints)."""
    (console,) = [
        pod
        for workload, pod in pod_specs(rendered(name))
        if workload["metadata"]["name"] == "console"
    ]
    secrets = {v.get("secret", {}).get("secretName") for v in console["volumes"]}
    referenced = {
        env["valueFrom"]["secretKeyRef"]["name"]
        for container in containers(console)
        for env in container.get("env", [])
        if "secretKeyRef" in env.get("valueFrom", {})
    }
    assert not (secrets | referenced) & KEY_SECRETS.keys()
    assert referenced <= CONSOLE_SECRETS.keys()
