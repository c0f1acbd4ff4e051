"""The size rules of docs/architecture.md: no module over 400 lines, no function over
50, in the services, the shared package, the tests and the benchmarks. Released
migrations are exempt: they are history and never change."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODULE_LINES, FUNCTION_LINES = 400, 50


def _sources() -> list[Path]:
    found = [ROOT / "conftest.py"]
    for folder in ("shared", "services", "tests", "bench"):
        found += (ROOT / folder).rglob("*.py")
    return sorted(p for p in found if "migrations" not in p.relative_to(ROOT).parts)


def test_the_rules_see_every_part_of_the_code() -> None:
    folders = {p.relative_to(ROOT).parts[0] for p in _sources()}
    assert folders == {"conftest.py", "shared", "services", "tests", "bench"}
    assert Path(__file__) in _sources()


def test_no_module_is_over_400_lines() -> None:
    long = {
        str(path.relative_to(ROOT)): lines
        for path in _sources()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MODULE_LINES
    }
    assert long == {}


def test_no_function_is_over_50_lines() -> None:
    long = {}
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > FUNCTION_LINES:
                    long[f"{path.relative_to(ROOT)}:{node.lineno} {node.name}"] = lines
    assert long == {}
