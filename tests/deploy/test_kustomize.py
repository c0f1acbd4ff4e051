"""The test-only kustomize stand-in does what it claims, and refuses what it cannot do."""

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.kustomize import Unsupported, render, split_image, strategic_merge

DEPLOYMENT: dict[str, Any] = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "web"},
    "spec": {
        "replicas": 2,
        "template": {
            "metadata": {"labels": {"app": "web"}},
            "spec": {
                "containers": [
                    {
                        "name": "web",
                        "image": "web:1.0",
                        "env": [
                            {"name": "A", "value": "1"},
                            {"name": "B", "value": "2"},
                        ],
                        "volumeMounts": [{"name": "k", "mountPath": "/k"}],
                    }
                ],
                "volumes": [{"name": "k", "emptyDir": {}}],
            },
        },
    },
}


def write(folder: Path, name: str, content: object) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(yaml.safe_dump(content))


def test_strategic_merge_merges_named_lists_and_deletes() -> None:
    patch = {
        "spec": {
            "replicas": 1,
            "template": {
                "spec": {
                    "containers": [
                        {
                            "name": "web",
                            "env": [
                                {"name": "A", "$patch": "delete"},
                                {"name": "C", "value": "3"},
                            ],
                            "volumeMounts": [{"mountPath": "/k", "$patch": "delete"}],
                        }
                    ],
                    "volumes": [{"name": "k", "$patch": "delete"}],
                }
            },
        }
    }
    merged = strategic_merge(DEPLOYMENT, patch)
    (container,) = merged["spec"]["template"]["spec"]["containers"]
    assert merged["spec"]["replicas"] == 1
    assert container["env"] == [
        {"name": "B", "value": "2"},
        {"name": "C", "value": "3"},
    ]
    assert container["volumeMounts"] == []
    assert container["image"] == "web:1.0"
    assert merged["spec"]["template"]["spec"]["volumes"] == []
    assert DEPLOYMENT["spec"]["replicas"] == 2  # the input is not changed
    assert (
        "replicas"
        not in strategic_merge(DEPLOYMENT, {"spec": {"replicas": None}})["spec"]
    )


def test_an_overlay_with_namespace_labels_images_and_a_json_patch(
    tmp_path: Path,
) -> None:
    write(tmp_path / "base", "web.yaml", DEPLOYMENT)
    write(
        tmp_path / "base",
        "kustomization.yaml",
        {
            "resources": ["web.yaml"],
            "namespace": "ns",
            "labels": [{"pairs": {"team": "x"}, "includeTemplates": True}],
        },
    )
    write(
        tmp_path / "overlay",
        "kustomization.yaml",
        {
            "resources": ["../base"],
            "images": [
                {"name": "web", "newName": "reg.example/web", "digest": "sha256:ab"}
            ],
            "patches": [
                {
                    "target": {"kind": "Deployment", "name": "web"},
                    "patch": "- op: replace\n  path: /spec/replicas\n  value: 5\n",
                }
            ],
        },
    )
    (deployment,) = render(tmp_path / "overlay")
    assert deployment["metadata"] == {
        "name": "web",
        "namespace": "ns",
        "labels": {"team": "x"},
    }
    template = deployment["spec"]["template"]
    assert template["metadata"]["labels"] == {"app": "web", "team": "x"}
    assert template["spec"]["containers"][0]["image"] == "reg.example/web@sha256:ab"
    assert deployment["spec"]["replicas"] == 5


def test_it_refuses_what_it_does_not_implement(tmp_path: Path) -> None:
    write(tmp_path, "web.yaml", DEPLOYMENT)
    write(
        tmp_path,
        "kustomization.yaml",
        {"resources": ["web.yaml"], "commonLabels": {"a": "b"}},
    )
    with pytest.raises(Unsupported):
        render(tmp_path)
    write(tmp_path / "inner", "kustomization.yaml", {"resources": ["../web.yaml"]})
    with pytest.raises(Unsupported):
        render(tmp_path / "inner")


def test_split_image() -> None:
    assert split_image("reg:5000/a/b:1.2@sha256:ff") == (
        "reg:5000/a/b",
        "1.2",
        "sha256:ff",
    )
    assert split_image("reg:5000/a/b") == ("reg:5000/a/b", None, None)
