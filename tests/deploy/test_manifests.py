"""deploy/: the Kubernetes manifests, docker-compose.yml and the Dockerfile, checked offline.

The kustomizations are rendered by tests/support/kustomize.py (no kustomize binary) and
every Kubernetes object is validated against the Kubernetes OpenAPI schemas that the
pinned `kubernetes-validate` package ships (strict: unknown fields are errors). Then the
policies this project relies on are asserted on the rendered objects.
"""

import re
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from tests.support.kustomize import load_documents, split_image
from tests.support.manifests import (
    INSTALLABLE,
    KUBERNETES,
    ROOT,
    Resource,
    containers,
    pod_specs,
    rendered,
)

# The oldest Kubernetes minor the manifests must be valid for (AKS and most managed
# services support it); kubernetes-validate ships the schemas of 1.25 to 1.37.
KUBERNETES_VERSION = "1.33.0"

OPTIONAL = ["optional/ingress-nginx", "optional/istio"]
SERVICES = {"tips": 8001, "sharing": 8002, "audit-log": 8003, "console": 8004}
# The console keeps its sessions in one process's memory: one replica, one worker.
SINGLE_PROCESS = {"console"}
INGRESS_CONTROLLER = {
    "namespaceSelector": {
        "matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}
    }
}
# Custom resources have no schema in kubernetes-validate; they are checked by hand below.
CUSTOM_KINDS = {"PeerAuthentication", "AuthorizationPolicy"}
# Inside a container the service listens on every interface of its own network namespace.
ALL_INTERFACES = "0.0.0.0"  # noqa: S104
TMP = "/tmp"  # noqa: S108 - an emptyDir mount point, not a file we write


def by_kind(resources: list[Resource], kind: str) -> list[Resource]:
    return [r for r in resources if r["kind"] == kind]


def selects(selector: Resource, labels: dict[str, str]) -> bool:
    """Whether a LabelSelector matches these labels (matchLabels, In, NotIn, Exists)."""
    if any(labels.get(k) != v for k, v in selector.get("matchLabels", {}).items()):
        return False
    for expression in selector.get("matchExpressions", []):
        value = labels.get(expression["key"])
        operator = expression["operator"]
        if operator == "In" and value not in expression["values"]:
            return False
        if operator == "NotIn" and value in expression["values"]:
            return False
        if operator == "Exists" and value is None:
            return False
    return True


def deployment_named(resources: list[Resource], app: str) -> Resource:
    (found,) = [
        r for r in by_kind(resources, "Deployment") if r["metadata"]["name"] == app
    ]
    return found


def pod_labels(resources: list[Resource], app: str) -> dict[str, str]:
    template = deployment_named(resources, app)["spec"]["template"]
    labels: dict[str, str] = template["metadata"]["labels"]
    return labels


def admitted(resources: list[Resource], app: str) -> set[str]:
    """The workloads of this namespace that the policies let open a connection to ``app``.

    Only same-namespace pod selectors are allowed as peers here: a namespace selector or
    an address block would admit more than the workloads listed, so it fails the test.
    """
    target = pod_labels(resources, app)
    peers = [
        peer
        for policy in by_kind(resources, "NetworkPolicy")
        if selects(policy["spec"]["podSelector"], target)
        for rule in policy["spec"].get("ingress", [])
        for peer in rule["from"]
    ]
    assert all(set(peer) == {"podSelector"} for peer in peers), peers
    return {
        workload["metadata"]["name"]
        for workload, _ in pod_specs(resources)
        if any(
            selects(
                peer["podSelector"], workload["spec"]["template"]["metadata"]["labels"]
            )
            for peer in peers
        )
    }


def egress_rules(resources: list[Resource], app: str) -> list[Resource]:
    """Every egress rule that applies to ``app``'s pods."""
    labels = pod_labels(resources, app)
    return [
        rule
        for policy in by_kind(resources, "NetworkPolicy")
        if "Egress" in policy["spec"]["policyTypes"]
        and selects(policy["spec"]["podSelector"], labels)
        for rule in policy["spec"].get("egress", [])
    ]


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
def test_only_sharing_and_the_console_may_reach_audit_log(name: str) -> None:
    resources = rendered(name)
    policies = by_kind(resources, "NetworkPolicy")
    default_deny = [
        p
        for p in policies
        if p["spec"]["podSelector"] == {}
        and "Ingress" in p["spec"]["policyTypes"]
        and not p["spec"].get("ingress")
    ]
    assert default_deny, "no default-deny ingress policy"
    # Every workload of the namespace is tried against the peers, so a broader selector
    # (all pods, or tips, or the migration Job) fails here.
    assert admitted(resources, "audit-log") == {"sharing", "console"}
    audit_log = pod_labels(resources, "audit-log")
    for policy in policies:
        if selects(policy["spec"]["podSelector"], audit_log):
            for rule in policy["spec"].get("ingress", []):
                assert rule["ports"] == [{"protocol": "TCP", "port": 8003}]


@pytest.mark.parametrize("name", INSTALLABLE)
def test_sharing_admits_the_console(name: str) -> None:
    resources = rendered(name)
    peers = [
        peer
        for policy in by_kind(resources, "NetworkPolicy")
        if selects(policy["spec"]["podSelector"], pod_labels(resources, "sharing"))
        for rule in policy["spec"].get("ingress", [])
        for peer in rule["from"]
        if "podSelector" in peer
    ]
    console = pod_labels(resources, "console")
    assert any(selects(peer["podSelector"], console) for peer in peers)


@pytest.mark.parametrize("name", INSTALLABLE)
def test_the_console_is_reached_only_through_the_ingress_controller(name: str) -> None:
    resources = rendered(name)
    console = pod_labels(resources, "console")
    rules = [
        rule
        for policy in by_kind(resources, "NetworkPolicy")
        if selects(policy["spec"]["podSelector"], console)
        for rule in policy["spec"].get("ingress", [])
    ]
    assert rules
    for rule in rules:
        assert rule["from"] == [INGRESS_CONTROLLER]
        assert rule["ports"] == [{"protocol": "TCP", "port": 8004}]


@pytest.mark.parametrize("name", INSTALLABLE)
def test_the_console_reaches_sharing_audit_log_tips_and_its_provider_only(
    name: str,
) -> None:
    """No database (it has none); the three APIs; its provider over HTTPS."""
    resources = rendered(name)
    reached: set[tuple[str, int]] = set()
    for rule in egress_rules(resources, "console"):
        for port in rule["ports"]:
            for peer in rule.get("to", [{}]):
                app = peer.get("podSelector", {}).get("matchLabels", {}).get("app")
                reached.add((app or "elsewhere", port["port"]))
    assert reached == {
        ("sharing", 8002),
        ("audit-log", 8003),
        ("tips", 8001),
        ("elsewhere", 53),
        ("elsewhere", 443),
    }
    if name == "overlays/production":
        (provider,) = [
            r
            for r in egress_rules(resources, "console")
            if r["ports"] == [{"protocol": "TCP", "port": 443}]
        ]
        assert provider["to"] == [INGRESS_CONTROLLER]


@pytest.mark.parametrize("name", INSTALLABLE)
def test_tips_is_reached_only_from_sharing_the_console_and_the_ingress_controller(
    name: str,
) -> None:
    resources = rendered(name)
    tips = pod_labels(resources, "tips")
    peers = [
        peer
        for policy in by_kind(resources, "NetworkPolicy")
        if selects(policy["spec"]["podSelector"], tips)
        for rule in policy["spec"].get("ingress", [])
        for peer in rule["from"]
    ]
    assert peers
    for peer in peers:
        assert peer in (
            {"podSelector": {"matchLabels": {"app": "sharing"}}},
            {"podSelector": {"matchLabels": {"app": "console"}}},
            INGRESS_CONTROLLER,
        )


def routed(ingress: Resource, host: str, path: str) -> bool:
    """Whether the Ingress sends ``path`` on ``host`` anywhere (Exact, or Prefix by
    whole path elements, as Kubernetes matches them)."""
    for rule in ingress["spec"]["rules"]:
        if rule["host"] != host:
            continue
        for entry in rule["http"]["paths"]:
            prefix = entry["path"].rstrip("/")
            if entry["pathType"] == "Exact" and path == entry["path"]:
                return True
            if entry["pathType"] == "Prefix" and (
                prefix == "" or path == prefix or path.startswith(prefix + "/")
            ):
                return True
    return False


def console_paths(tmp_path: Path) -> list[str]:
    """One concrete path per route the console serves (parameters filled in)."""
    from starlette.routing import Mount, Route

    from samverkan_console.app import create_app
    from samverkan_console.settings import ConsoleSettings

    settings = ConsoleSettings(client_id="c", client_secret="s", data_dir=tmp_path)
    paths = []
    for route in create_app(settings).routes:
        if isinstance(route, Route):
            paths.append(re.sub(r"\{[^}]+\}", "1", route.path))
        elif isinstance(route, Mount):
            paths.append(f"{route.path}/console.css")
    return paths


def test_the_ingress_does_not_route_internal_or_audit_paths() -> None:
    (ingress,) = by_kind(rendered("overlays/production"), "Ingress")
    hosts = {rule["host"].split(".")[0] for rule in ingress["spec"]["rules"]}
    assert hosts == {"tips", "sharing", "console"}
    for rule in ingress["spec"]["rules"]:
        for path in rule["http"]["paths"]:
            assert not path["path"].startswith("/internal")
            # Each host reaches its own service only (so never audit-log).
            assert path["backend"]["service"]["name"] == rule["host"].split(".")[0]
    for host in (rule["host"] for rule in ingress["spec"]["rules"]):
        for path in ["/metrics", "/healthz", "/readyz", "/internal/v1/tips"]:
            assert not routed(ingress, host, path), (host, path)


def test_the_ingress_routes_every_page_of_the_console(tmp_path: Path) -> None:
    (ingress,) = by_kind(rendered("overlays/production"), "Ingress")
    host = "console.samverkan.example.se"
    operations = {"/metrics", "/healthz", "/readyz"}
    paths = console_paths(tmp_path)
    assert "/auth/callback" in paths
    assert operations <= set(paths)
    for path in paths:
        assert routed(ingress, host, path) is (path not in operations), path


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


# --- docker compose and the Dockerfile ------------------------------------------------


def test_docker_compose_waits_for_migrations_and_checks_health() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    postgres = services["postgres"]
    assert re.fullmatch(r"postgres:16\.\d+-\w+", postgres["image"])
    assert "healthcheck" in postgres
    assert services["migrate"]["command"] == ["migrate"]
    assert (
        services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    )
    for service, port in SERVICES.items():
        spec = services[service]
        assert spec["command"] == [
            "serve",
            service,
            "--host",
            ALL_INTERFACES,
            "--port",
            str(port),
        ]
        assert spec["ports"] == [f"127.0.0.1:{port}:{port}"]
        assert f"http://127.0.0.1:{port}/readyz" in spec["healthcheck"]["test"]
        assert spec["read_only"] is True
        assert spec["user"] not in {"0", "root"}
        if service in SINGLE_PROCESS:
            continue
        assert (
            spec["depends_on"]["migrate"]["condition"]
            == "service_completed_successfully"
        )
    # The console: no database, so it waits for the services it calls instead.
    console = services["console"]
    assert console["depends_on"] == {
        "sharing": {"condition": "service_healthy"},
        "audit-log": {"condition": "service_healthy"},
    }
    assert "deploy" not in console  # no replicas: one process holds the sessions
    for spec in services.values():
        image = spec["image"]
        assert ":" in image, image
        assert not image.endswith(":latest"), image


def test_the_dockerfile_is_pinned_multi_stage_and_non_root() -> None:
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    assert dockerfile.startswith("# syntax="), (
        "a parser directive must be the first line"
    )
    lines = [line.strip() for line in dockerfile.splitlines()]
    bases = [line.split()[1] for line in lines if line.upper().startswith("FROM ")]
    assert len(bases) >= 2, "multi-stage"
    for base in bases:
        assert re.fullmatch(
            r"python:3\.11\.\d+-slim-bookworm(@sha256:[0-9a-f]{64})?", base
        )
    users = [line.split()[1] for line in lines if line.upper().startswith("USER ")]
    assert users, "no USER"
    assert users[-1].split(":")[0] not in {"0", "root"}
    last_stage = dockerfile.rsplit("\nFROM ", 1)[1]
    assert "USER " in last_stage
    assert re.search(r"uv sync --locked\b.*--no-dev", dockerfile)


def test_docker_compose_gives_the_console_the_browsers_issuer() -> None:
    """The provider's URL is the browser's (the tokens' `iss`); the APIs are called at
    the network names, and one worker holds the sessions."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    environment = compose["services"]["console"]["environment"]
    assert environment["CONSOLE_OIDC_ISSUER"] == environment["SAMVERKAN_ISSUER"]
    assert environment["CONSOLE_PUBLIC_URL"] == "http://127.0.0.1:8004"
    assert environment["SAMVERKAN_SHARING_URL"] == "http://sharing:8002"
    assert environment["SAMVERKAN_AUDIT_LOG_URL"] == "http://audit-log:8003"
    assert environment["SAMVERKAN_CONSOLE_WORKERS"] == "1"
