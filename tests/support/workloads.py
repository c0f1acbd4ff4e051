"""What the rendered Kubernetes objects of deploy/ are queried by, in tests/deploy."""

from tests.support.manifests import Resource

SERVICES = {"tips": 8001, "sharing": 8002, "audit-log": 8003, "console": 8004}
# The console keeps its sessions in one process's memory: one replica, one worker.
SINGLE_PROCESS = {"console"}
# Inside a container the service listens on every interface of its own network namespace.
ALL_INTERFACES = "0.0.0.0"  # noqa: S104


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
