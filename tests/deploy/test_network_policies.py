"""deploy/: who may connect to whom (NetworkPolicies) and what the Ingress routes.

Checked offline on the rendered kustomizations, as in test_manifests.py.
"""

import re
from pathlib import Path

import pytest

from tests.support.manifests import INSTALLABLE, Resource, pod_specs, rendered
from tests.support.workloads import by_kind, pod_labels, selects

INGRESS_CONTROLLER = {
    "namespaceSelector": {
        "matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}
    }
}


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
