# Samverkan — every target bootstraps .venv from uv.lock first, so a fresh machine needs only Python 3.11+.
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.9
UV := .tools/bin/uv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := .venv

.PHONY: run test lint fmt lock venv clean bench

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv==$(UV_VERSION)

.venv/.synced: $(UV) uv.lock pyproject.toml shared/pyproject.toml services/*/pyproject.toml
	$(UV) sync --locked --all-packages --quiet
	touch $@

venv: .venv/.synced

run: venv
	.venv/bin/samverkan run

test: venv
	.venv/bin/pytest $(PYTEST_ARGS)

lint: venv
	.venv/bin/ruff format --check .
	.venv/bin/ruff check .
	.venv/bin/mypy -p samverkan_shared -p samverkan_tips -p samverkan_sharing -p samverkan_audit_log
	.venv/bin/lint-imports

# Benchmarks print figures next to a baseline measured in the same run (see bench/README.md).
bench: venv
	.venv/bin/python bench/load.py $(if $(BENCH_POSTGRES),--postgres $(BENCH_POSTGRES))
	.venv/bin/python bench/audit_log.py $(if $(BENCH_POSTGRES),--postgres $(BENCH_POSTGRES))

fmt: venv
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .

lock: $(UV)
	$(UV) lock

clean:
	rm -rf .venv .tools var
