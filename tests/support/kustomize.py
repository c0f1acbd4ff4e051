"""A small, offline stand-in for `kustomize build`, for the tests only.

It supports exactly the subset deploy/kubernetes uses, and refuses everything else
(``Unsupported``) instead of silently rendering something kustomize would not:

- ``resources``: files (every YAML document in them) and folders with their own
  ``kustomization.yaml``, rendered recursively; like kustomize's default load
  restrictor, a *file* must lie inside the kustomization's folder.
- ``namespace``: set on every namespaced object (Namespace objects are left alone).
- ``labels``: ``pairs`` go to ``metadata.labels`` and, with ``includeTemplates``, to the
  pod template's labels; ``includeSelectors: true`` and ``commonLabels`` are refused
  (they rewrite selectors, which this renderer does not model).
- ``images``: ``newName``, ``newTag`` and ``digest`` for containers and init containers
  whose image name matches; a ``digest`` replaces the old tag (``name@digest``), or
  gives ``name:newTag@digest`` with a ``newTag`` (Kubernetes then pulls by digest).
- ``patches``: a strategic-merge patch (one document; maps merge, ``null`` deletes a
  key, lists of containers, env, volumes and volume mounts merge by their key and honour
  ``$patch: delete``, other lists are replaced) or a JSON 6902 patch (``add``,
  ``remove``, ``replace``) with a ``target`` of kind/name/namespace/group/version.

Order as in kustomize: resources, then patches, namespace, labels, images. Two objects
with the same kind, namespace and name are an error, as in kustomize.
"""

import copy
from pathlib import Path
from typing import Any

import yaml

__all__ = ["Unsupported", "load_documents", "render", "split_image", "strategic_merge"]

Resource = dict[str, Any]

_KUSTOMIZATION_FIELDS = {
    "apiVersion",
    "kind",
    "resources",
    "namespace",
    "labels",
    "images",
    "patches",
}
_CLUSTER_SCOPED = {
    "Namespace",
    "ClusterRole",
    "ClusterRoleBinding",
    "CustomResourceDefinition",
    "PersistentVolume",
    "StorageClass",
    "PriorityClass",
    "IngressClass",
    "ValidatingWebhookConfiguration",
    "MutatingWebhookConfiguration",
}
# The patchMergeKey of the Kubernetes schema for the lists this renderer merges.
_MERGE_KEYS = {
    "containers": "name",
    "initContainers": "name",
    "env": "name",
    "volumes": "name",
    "volumeMounts": "mountPath",
    "imagePullSecrets": "name",
}


class Unsupported(ValueError):
    """The kustomization uses something this small renderer does not implement."""


def load_documents(path: Path) -> list[Resource]:
    """Every non-empty YAML document of a file."""
    with path.open(encoding="utf-8") as stream:
        return [doc for doc in yaml.safe_load_all(stream) if doc is not None]


def render(folder: Path) -> list[Resource]:
    """The objects `kustomize build folder` would print (for the supported subset)."""
    folder = folder.resolve()
    kustomization = _read_kustomization(folder)
    resources: list[Resource] = []
    for entry in kustomization.get("resources", []):
        resources.extend(_load_resource(folder, entry))
    _check_unique(resources, folder)
    for patch in kustomization.get("patches", []):
        _apply_patch(resources, folder, patch)
    if "namespace" in kustomization:
        for resource in resources:
            if resource["kind"] not in _CLUSTER_SCOPED:
                resource["metadata"]["namespace"] = kustomization["namespace"]
    for label_set in kustomization.get("labels", []):
        _apply_labels(resources, label_set)
    for image in kustomization.get("images", []):
        for container in _containers(resources):
            container["image"] = _new_image(container["image"], image)
    return resources


def strategic_merge(base: Any, patch: Any) -> Any:
    """``patch`` merged into a copy of ``base`` (the subset described above)."""
    if not isinstance(base, dict) or not isinstance(patch, dict):
        return _without_directives(patch)
    merged = copy.deepcopy(base)
    for key, value in patch.items():
        if key == "$patch":
            raise Unsupported(f"$patch: {value} on a map is not supported")
        if value is None:
            merged.pop(key, None)
        elif key in _MERGE_KEYS and isinstance(value, list) and key in merged:
            merged[key] = _merge_list(merged[key], value, _MERGE_KEYS[key])
        elif key in merged:
            merged[key] = strategic_merge(merged[key], value)
        else:
            merged[key] = _without_directives(value)
    return merged


def _read_kustomization(folder: Path) -> Resource:
    path = folder / "kustomization.yaml"
    if not path.is_file():
        raise FileNotFoundError(f"no kustomization.yaml in {folder}")
    (kustomization,) = load_documents(path)
    unknown = set(kustomization) - _KUSTOMIZATION_FIELDS
    if unknown:
        raise Unsupported(f"{path}: fields not supported: {sorted(unknown)}")
    return kustomization


def _load_resource(folder: Path, entry: str) -> list[Resource]:
    target = (folder / entry).resolve()
    if target.is_dir():
        return render(target)
    if not target.is_relative_to(folder):
        raise Unsupported(
            f"{entry}: a resource file outside {folder} (kustomize refuses it)"
        )
    return load_documents(target)


def _key(resource: Resource) -> tuple[str, str, str]:
    metadata = resource["metadata"]
    return resource["kind"], metadata.get("namespace", ""), metadata["name"]


def _check_unique(resources: list[Resource], folder: Path) -> None:
    seen: set[tuple[str, str, str]] = set()
    for resource in resources:
        key = _key(resource)
        if key in seen:
            raise ValueError(f"{folder}: {key} is defined twice")
        seen.add(key)


def _apply_patch(resources: list[Resource], folder: Path, entry: Resource) -> None:
    if "path" in entry:
        text = (folder / entry["path"]).read_text(encoding="utf-8")
    else:
        text = entry["patch"]
    documents = [doc for doc in yaml.safe_load_all(text) if doc is not None]
    if len(documents) != 1:
        raise Unsupported("a patch must be exactly one YAML document")
    (patch,) = documents
    if isinstance(patch, list):
        if "target" not in entry:
            raise Unsupported("a JSON 6902 patch needs a target")
        matches = _select(resources, entry["target"])
        for resource in matches:
            _json6902(resource, patch)
        return
    target = entry.get("target") or {
        "kind": patch["kind"],
        "name": patch["metadata"]["name"],
    }
    matches = _select(resources, target)
    for index, resource in enumerate(resources):
        if any(resource is match for match in matches):
            resources[index] = strategic_merge(resource, patch)


def _select(resources: list[Resource], target: Resource) -> list[Resource]:
    unknown = set(target) - {"kind", "name", "namespace", "group", "version"}
    if unknown:
        raise Unsupported(f"patch target fields not supported: {sorted(unknown)}")
    matches = []
    for resource in resources:
        group, _, version = resource["apiVersion"].rpartition("/")
        actual = {
            "kind": resource["kind"],
            "name": resource["metadata"]["name"],
            "namespace": resource["metadata"].get("namespace", ""),
            "group": group,
            "version": version,
        }
        if all(actual[field] == value for field, value in target.items()):
            matches.append(resource)
    if not matches:
        raise ValueError(f"patch target {target} matches no resource")
    return matches


def _merge_list(base: list[Any], patch: list[Any], merge_key: str) -> list[Any]:
    merged = copy.deepcopy(base)
    for item in patch:
        key = item[merge_key]
        position = next(
            (i for i, old in enumerate(merged) if old.get(merge_key) == key), None
        )
        if item.get("$patch") == "delete":
            if position is None:
                raise ValueError(f"$patch: delete of {merge_key}={key}: not present")
            del merged[position]
        elif position is None:
            merged.append(_without_directives(item))
        else:
            merged[position] = strategic_merge(merged[position], item)
    return merged


def _without_directives(value: Any) -> Any:
    if isinstance(value, dict):
        if any(key.startswith("$") for key in value):
            raise Unsupported(f"patch directive outside a merged list: {value}")
        return {k: _without_directives(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_directives(v) for v in value]
    return value


def _json6902(resource: Resource, operations: list[Resource]) -> None:
    for operation in operations:
        *parents, last = [
            part.replace("~1", "/").replace("~0", "~")
            for part in operation["path"].split("/")[1:]
        ]
        node: Any = resource
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        op = operation["op"]
        if op == "remove":
            del node[int(last) if isinstance(node, list) else last]
        elif op in {"add", "replace"}:
            value = copy.deepcopy(operation["value"])
            if isinstance(node, list):
                if last == "-":
                    node.append(value)
                elif op == "add":
                    node.insert(int(last), value)
                else:
                    node[int(last)] = value
            else:
                if op == "replace" and last not in node:
                    raise ValueError(f"replace of a missing {operation['path']}")
                node[last] = value
        else:
            raise Unsupported(f"JSON 6902 operation {op!r}")


def _apply_labels(resources: list[Resource], label_set: Resource) -> None:
    if label_set.get("includeSelectors"):
        raise Unsupported("labels with includeSelectors")
    pairs = label_set["pairs"]
    for resource in resources:
        resource["metadata"].setdefault("labels", {}).update(pairs)
        template = _pod_template(resource)
        if label_set.get("includeTemplates") and template is not None:
            template.setdefault("metadata", {}).setdefault("labels", {}).update(pairs)


def _pod_template(resource: Resource) -> Resource | None:
    spec = resource.get("spec", {})
    if resource["kind"] == "CronJob":
        return spec["jobTemplate"]["spec"]["template"]  # type: ignore[no-any-return]
    template = spec.get("template") if isinstance(spec, dict) else None
    return template if isinstance(template, dict) else None


def _containers(resources: list[Resource]) -> list[Resource]:
    containers = []
    for resource in resources:
        template = _pod_template(resource)
        pod = resource.get("spec") if resource["kind"] == "Pod" else None
        pod = pod or (template or {}).get("spec")
        if pod:
            containers += pod.get("initContainers", []) + pod.get("containers", [])
    return containers


def split_image(image: str) -> tuple[str, str | None, str | None]:
    """``(name, tag, digest)`` of an image reference (a registry port is not a tag)."""
    name, _, digest = image.partition("@")
    slash = name.rfind("/")
    colon = name.rfind(":")
    tag = None
    if colon > slash:
        name, tag = name[:colon], name[colon + 1 :]
    return name, tag, digest or None


def _new_image(image: str, rule: Resource) -> str:
    name, tag, digest = split_image(image)
    if name != rule["name"]:
        return image
    name = rule.get("newName", name)
    if "digest" in rule:  # a new digest replaces the old tag unless a newTag is given
        tag, digest = rule.get("newTag"), rule["digest"]
    tag = rule.get("newTag", tag)
    reference = f"{name}:{tag}" if tag else name
    return f"{reference}@{digest}" if digest else reference
