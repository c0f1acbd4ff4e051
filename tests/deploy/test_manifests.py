"""deploy/: the Kubernetes manifests, checked offline.

The kustomizations are rendered by tests/support/kustomize.py (no kustomize binary) and
every Kubernetes object is validated against the Kubernetes OpenAPI schemas that the
pinned `kubernetes-validate` package ships (strict: unknown fields are errors). Then the
policies this project relies on are asserted on the rendered objects; the network
policies and the Ingress in test_network_policies.py, docker-compose.yml and the
Dockerfile in test_compose.py.
"""

import re

import kubernetes_validate
import pytest

from tests.support.kustomize import load_documents, split_image
from tests.support.manifests import (
    INSTALLABLE,
    KUBERNETES,
    ROOT,
    containers,
    pod_specs,
    rendered,
)
from tests.support.workloads import (
    ALL_INTERFACES,
    SERVICES,
    SINGLE_PROCESS,
    by_kind,
    deployment_named,
    pod_labels,
    selects,
)

# The oldest Kubernetes minor the manifests must be valid for (AKS and most managed
# services support it); kubernetes-validate ships the schemas of 1.25 to 1.37.
KUBERNETES_VERSION = "1.33.0"

OPTIONAL = ["optional/ingress-nginx", "optional/istio"]
# Custom resources have no schema in kubernetes-validate; they are checked by hand below.
CUSTOM_KINDS = {"PeerAuthentication", "AuthorizationPolicy"}
TMP = "/tmp"  # noqa: S108 - an emptyDir mount point, not a file we write


# --- rendering and schemas ------------------------------------------------------------


@pytest.mark.parametrize("name", INSTALLABLE + OPTIONAL)
def test_every_object_validates_against_the_kubernetes_schemas(name: str) -> None:
    resources = rendered(name)
    assert resources
    for resource in resources:
        if resource["kind"] in CUSTOM_KINDS:
            continue
        try:
            kubernetes_validate.validate(resource, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as error:
            where = ".".join(str(part) for part in error.path)
            pytest.fail(
                f"{name}: {resource['kind']}/{resource['metadata']['name']}: "
                f"{where}: {error.message}"
            )


def test_the_validator_really_rejects_a_broken_manifest() -> None:
    (deployment,) = [
        r
        for r in rendered("base")
        if r["kind"] == "Deployment" and r["metadata"]["name"] == "tips"
    ]
    deployment["spec"]["replicas"] = "two"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSION, strict=True)
    deployment["spec"]["replicas"] = 2
    deployment["spec"]["template"]["spec"]["containers"][0]["livenessProbes"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSION, strict=True)


def test_the_istio_policies_are_well_formed() -> None:
    resources = rendered("optional/istio")
    assert {r["kind"] for r in resources} == CUSTOM_KINDS
    for resource in resources:
        assert resource["apiVersion"] == "security.istio.io/v1"
    audit = next(
        r
        for r in by_kind(resources, "AuthorizationPolicy")
        if r["metadata"]["name"] == "audit-log"
    )
    assert audit["spec"]["action"] == "ALLOW"
    appenders = [
        rule["from"][0]["source"]["principals"]
        for rule in audit["spec"]["rules"]
        if any(
            "/v1/entries" in op["operation"]["paths"]
            and op["operation"].get("methods") == ["POST"]
            for op in rule["to"]
        )
    ]
    assert appenders == [["cluster.local/ns/samverkan/sa/sharing"]]
    # Every operation names its methods: an operation without them allows them all.
    for rule in audit["spec"]["rules"]:
        for operation in rule["to"]:
            assert operation["operation"]["methods"], rule
    readers = {
        principal
        for rule in audit["spec"]["rules"]
        for principal in rule["from"][0]["source"]["principals"]
    }
    assert readers == {
        "cluster.local/ns/samverkan/sa/sharing",
        "cluster.local/ns/samverkan/sa/console",
    }


def test_the_secret_example_is_valid_but_not_part_of_any_kustomization() -> None:
    example = KUBERNETES / "base" / "secret.example.yaml"
    secrets = load_documents(example)
    for secret in secrets:
        kubernetes_validate.validate(secret, KUBERNETES_VERSION, strict=True)
    for name in INSTALLABLE:
        kustomization = load_documents(KUBERNETES / name / "kustomization.yaml")[0]
        assert "secret.example.yaml" not in kustomization.get("resources", [])
        assert "secretGenerator" not in kustomization
    # Real keys never come from the base or the production overlay.
    for name in ["base", "overlays/production"]:
        assert not by_kind(rendered(name), "Secret")
    # Every Secret the workloads reference is one the example documents.
    documented = {s["metadata"]["name"]: set(s["stringData"]) for s in secrets}
    for _, pod in pod_specs(rendered("overlays/production")):
        for volume in pod.get("volumes", []):
            if "secret" in volume:
                assert volume["secret"]["secretName"] in documented
        for container in containers(pod):
            for env in container.get("env", []):
                ref = env.get("valueFrom", {}).get("secretKeyRef")
                if ref:
                    assert ref["key"] in documented[ref["name"]]


# --- the policies the project relies on -----------------------------------------------


@pytest.mark.parametrize("name", INSTALLABLE)
def test_every_container_is_locked_down(name: str) -> None:
    for workload, pod in pod_specs(rendered(name)):
        where = f"{name}: {workload['kind']}/{workload['metadata']['name']}"
        pod_security = pod.get("securityContext", {})
        assert pod.get("automountServiceAccountToken") is False, where
        for container in containers(pod):
            security = {**pod_security, **container.get("securityContext", {})}
            assert security.get("runAsNonRoot") is True, where
            assert security.get("runAsUser", 0) != 0, where
            assert security.get("readOnlyRootFilesystem") is True, where
            assert security.get("allowPrivilegeEscalation") is False, where
            assert security.get("privileged") is not True, where
            assert security["capabilities"]["drop"] == ["ALL"], where
            assert security["seccompProfile"]["type"] == "RuntimeDefault", where
            limits = container["resources"]["limits"]
            requests = container["resources"]["requests"]
            assert {"cpu", "memory"} <= set(limits), where
            assert {"cpu", "memory"} <= set(requests), where


@pytest.mark.parametrize("name", INSTALLABLE)
def test_every_deployment_has_probes_and_a_pdb(name: str) -> None:
    resources = rendered(name)
    budgets = by_kind(resources, "PodDisruptionBudget")
    for deployment in by_kind(resources, "Deployment"):
        where = f"{name}: {deployment['metadata']['name']}"
        for container in deployment["spec"]["template"]["spec"]["containers"]:
            assert "livenessProbe" in container, where
            assert "readinessProbe" in container, where
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        covering = [b for b in budgets if selects(b["spec"]["selector"], labels)]
        assert covering, where
        # A budget that keeps every replica up would block each node drain.
        for budget in covering:
            minimum = budget["spec"].get("minAvailable", 0)
            assert isinstance(minimum, int), where
            assert minimum < deployment["spec"].get("replicas", 1), where
            assert budget["spec"].get("maxUnavailable", 1) != 0, where


@pytest.mark.parametrize("name", INSTALLABLE)
def test_the_services_run_the_agreed_command_with_health_probes(name: str) -> None:
    resources = rendered(name)
    for service, port in SERVICES.items():
        pod = deployment_named(resources, service)["spec"]["template"]["spec"]
        (container,) = pod["containers"]
        assert container["command"] == ["samverkan"]
        assert container["args"] == [
            "serve",
            service,
            "--host",
            ALL_INTERFACES,
            "--port",
            str(port),
        ]
        assert container["ports"] == [
            {"name": "http", "containerPort": port, "protocol": "TCP"}
        ]
        assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
        assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
        assert container["startupProbe"]["httpGet"]["path"] == "/healthz"
        assert {"mountPath": TMP, "name": "tmp"} in container["volumeMounts"]
        (svc,) = [
            s for s in by_kind(resources, "Service") if s["metadata"]["name"] == service
        ]
        assert svc["spec"]["ports"][0]["port"] == port
        assert selects(
            {"matchLabels": svc["spec"]["selector"]}, pod_labels(resources, service)
        )
    (job,) = by_kind(resources, "Job")
    (migrate,) = job["spec"]["template"]["spec"]["containers"]
    assert [*migrate["command"], *migrate["args"]] == ["samverkan", "migrate"]
    # The console has no database: the migration Job has nothing of it.
    assert not [e for e in migrate["env"] if e["name"].startswith("CONSOLE_")]


def test_replicas_in_the_base_and_in_production() -> None:
    for name in ["base", "overlays/production"]:
        for workload in by_kind(rendered(name), "Deployment"):
            if workload["metadata"]["name"] in SINGLE_PROCESS:
                continue
            assert workload["spec"]["replicas"] >= 2, workload["metadata"]["name"]


@pytest.mark.parametrize("name", INSTALLABLE)
def test_the_console_runs_as_exactly_one_process(name: str) -> None:
    """Its sessions are in one process's memory: a second replica, worker or a rolling
    update's overlap would sign people out at random."""
    console = deployment_named(rendered(name), "console")
    assert console["spec"]["replicas"] == 1
    assert console["spec"]["strategy"] == {"type": "Recreate"}
    (container,) = console["spec"]["template"]["spec"]["containers"]
    assert {"name": "SAMVERKAN_CONSOLE_WORKERS", "value": "1"} in container["env"]


@pytest.mark.parametrize("name", INSTALLABLE)
def test_images_are_pinned(name: str) -> None:
    for _, pod in pod_specs(rendered(name)):
        for container in containers(pod):
            image, tag, digest = split_image(container["image"])
            assert tag or digest, container["image"]
            assert tag != "latest", container["image"]
            if image.endswith("samverkan"):
                assert digest or tag == "0.1.0", container["image"]
    for _, pod in pod_specs(rendered("overlays/production")):
        for container in containers(pod):
            assert re.search(r"@sha256:[0-9a-f]{64}$", container["image"])


@pytest.mark.parametrize("name", INSTALLABLE)
def test_key_files_are_mounted_where_the_environment_points(name: str) -> None:
    for workload, pod in pod_specs(rendered(name)):
        for container in containers(pod):
            mounts = [m["mountPath"] for m in container.get("volumeMounts", [])]
            volumes = {v["name"] for v in pod.get("volumes", [])}
            assert {m["name"] for m in container.get("volumeMounts", [])} <= volumes
            for env in container.get("env", []):
                value = env.get("value", "")
                if value.startswith("/secrets/"):
                    assert any(
                        value.startswith(m + "/") or value == m for m in mounts
                    ), f"{name}: {workload['metadata']['name']}: {env['name']}={value}"


def _known_variables() -> set[str]:
    """What the services' settings read, and what the README's configuration table lists."""
    from samverkan_audit_log.settings import AuditLogSettings
    from samverkan_console.settings import ConsoleSettings
    from samverkan_shared.service_spec import discover_services
    from samverkan_sharing.settings import SharingSettings
    from samverkan_tips.settings import TipsSettings

    names: set[str] = set()
    for settings in (TipsSettings, SharingSettings, AuditLogSettings, ConsoleSettings):
        for field in settings.model_fields.values():
            alias = field.validation_alias
            names.update(c for c in getattr(alias, "choices", []) if c.isupper())
    # What `samverkan serve` itself reads per service (workers, port, URL).
    for spec in discover_services():
        names.update({spec.workers_env, spec.port_env, spec.url_env})
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Configuration", 1)[1]
    names.update(re.findall(r"`([A-Z][A-Z0-9_]+)`", table))
    return names


@pytest.mark.parametrize("name", INSTALLABLE)
def test_every_variable_set_is_one_the_services_read(name: str) -> None:
    known = _known_variables()
    resources = rendered(name)
    for config in by_kind(resources, "ConfigMap"):
        assert set(config["data"]) <= known, set(config["data"]) - known
    for workload, pod in pod_specs(resources):
        if workload["metadata"]["name"] == "postgres":
            continue
        for container in containers(pod):
            names = {env["name"] for env in container.get("env", [])}
            assert names <= known, names - known
