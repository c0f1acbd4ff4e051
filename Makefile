# Samverkan — every target bootstraps .venv from uv.lock first, so a fresh machine needs only Python 3.11+.
SHELL := /bin/bash
# The first of these that is Python 3.11 or newer; `make PYTHON=/path/to/python ...` picks another.
# uv builds .venv with this very interpreter: it never downloads one (UV_PYTHON_DOWNLOADS).
ifndef PYTHON
PYTHON := $(shell for p in python3 python3.13 python3.12 python3.11 python; do \
  $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1 \
  && { command -v $$p; break; }; done)
endif
UV_VERSION := 0.13.9
UV := .tools/bin/uv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := .venv

.PHONY: run reset test lint fmt lock venv clean bench

$(UV):
	@test -n "$(PYTHON)" || { echo "make: no Python 3.11 or newer found (python3, python3.13, python3.12, python3.11); install one or pass PYTHON=/path/to/python" >&2; exit 1; }
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv==$(UV_VERSION)

.venv/.synced: $(UV) uv.lock pyproject.toml shared/pyproject.toml services/*/pyproject.toml
	$(UV) sync --locked --all-packages --quiet --python "$(PYTHON)"
	touch $@

venv: .venv/.synced

run: venv
	.venv/bin/samverkan run

# Remove ./var (demo databases, keys, demo-clients.json), keeping .venv; refused while running.
reset: venv
	.venv/bin/samverkan demo reset

test: venv
	.venv/bin/pytest $(PYTEST_ARGS)

lint: venv
	.venv/bin/ruff format --check .
	.venv/bin/ruff check .
	.venv/bin/mypy -p samverkan_shared -p samverkan_tips -p samverkan_sharing -p samverkan_audit_log -p samverkan_console -p samverkan_witness
	# Every tests/ folder maps to the package "tests", so each is checked on its own.
	.venv/bin/mypy tests
	.venv/bin/mypy shared/tests
	.venv/bin/mypy services/tips/tests
	.venv/bin/mypy services/sharing/tests
	.venv/bin/mypy services/audit-log/tests
	.venv/bin/mypy services/console/tests
	.venv/bin/mypy services/witness/tests
	# The bench scripts import each other as top-level modules (they run from bench/).
	MYPYPATH=bench .venv/bin/mypy $(wildcard bench/*.py)
	.venv/bin/lint-imports

# Benchmarks print figures next to a baseline measured in the same run (see bench/README.md).
bench: venv
	.venv/bin/python bench/load.py $(if $(BENCH_POSTGRES),--postgres $(BENCH_POSTGRES))
	.venv/bin/python bench/audit_log.py $(if $(BENCH_POSTGRES),--postgres $(BENCH_POSTGRES))
	.venv/bin/python bench/sqlite_writers.py
	.venv/bin/python bench/dpop.py $(if $(BENCH_POSTGRES),--postgres $(BENCH_POSTGRES))

fmt: venv
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .

lock: $(UV)
	$(UV) lock --python "$(PYTHON)"

clean:
	rm -rf .venv .tools var
