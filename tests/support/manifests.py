"""The Kubernetes manifests of deploy/kubernetes, rendered for the deploy tests."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tests.support.kustomize import render

ROOT = Path(__file__).resolve().parents[2]
KUBERNETES = ROOT / "deploy" / "kubernetes"
INSTALLABLE = ["base", "overlays/production", "overlays/demo"]

Resource = dict[str, Any]


def rendered(name: str) -> list[Resource]:
    return render(KUBERNETES / name)


def pod_specs(resources: list[Resource]) -> Iterator[tuple[Resource, Resource]]:
    for resource in resources:
        if resource["kind"] in {"Deployment", "StatefulSet", "Job", "DaemonSet"}:
            yield resource, resource["spec"]["template"]["spec"]


def containers(pod: Resource) -> list[Resource]:
    return [*pod.get("initContainers", []), *pod["containers"]]
