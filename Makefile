# Entry points. `make run` and `make test` install what they need on first use.
SHELL := /bin/bash
# Bytecode caches on: every pytest run, worker process and bench child would otherwise recompile the project.
unexport PYTHONDONTWRITEBYTECODE
.DEFAULT_GOAL := help

PYTHON313 = $(shell tools/python313.sh)
VENV      := .venv
PY        := $(VENV)/bin/python
UV        := UV_PROJECT_ENVIRONMENT=$(abspath $(VENV)) tools/uv.sh
SAM_VENV  := .tools/sam
CHECKOV_VENV := .tools/checkov
LNBITS    := .tools/lnbits
SAM       := tools/sam.sh
ENV       ?= default
PYTEST_ARGS ?=
CONSTRAINTS := layers/shared/constraints.txt

.PHONY: help venv tools browser run invoke test unit integration e2e contract lint format openapi build validate policy params bench capacity chaos fuzz deploy seed pr lock upgrade clean

help: ## list the targets
	@grep -E '^[a-zA-Z0-9_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

# The virtualenv is exactly uv.lock (runtime + dev groups); uv itself is pinned in tools/uv.sh.
$(VENV)/.installed: pyproject.toml uv.lock tools/uv.sh
	$(UV) sync --frozen --python "$(PYTHON313)"
	@touch $@

venv: $(VENV)/.installed ## the project's Python 3.13 virtualenv, installed from uv.lock

lock: ## after editing dependencies in pyproject.toml: update uv.lock and the layer's constraints
	$(UV) lock --python "$(PYTHON313)"
	$(UV) export --frozen --no-dev --no-emit-project --no-hashes --no-annotate --no-header -o $(CONSTRAINTS) >/dev/null

upgrade: ## move one locked package to its newest version: make upgrade PKG=stripe
	@test -n "$(PKG)" || { echo "usage: make upgrade PKG=<name>" >&2; exit 2; }
	$(UV) lock --python "$(PYTHON313)" --upgrade-package "$(PKG)"
	$(UV) export --frozen --no-dev --no-emit-project --no-hashes --no-annotate --no-header -o $(CONSTRAINTS) >/dev/null

# The tools' virtualenvs are made by uv too (seconds, where pip took a minute each). SAM's keeps pip
# (--seed): the makefile builds pip-install with its python (tools/sam.sh).
$(SAM_VENV)/.installed:
	@test -x $(SAM_VENV)/bin/pip || $(UV) venv -q --seed --python "$(PYTHON313)" $(SAM_VENV)
	$(UV) pip install -q --python $(SAM_VENV)/bin/python aws-sam-cli==1.170.0
	@touch $@

# checkov in its own virtualenv: its pins (boto3, networkx, packaging) conflict with the project's.
$(CHECKOV_VENV)/.installed:
	@test -x $(CHECKOV_VENV)/bin/python || $(UV) venv -q --python "$(PYTHON313)" $(CHECKOV_VENV)
	$(UV) pip install -q --python $(CHECKOV_VENV)/bin/python checkov==3.3.30
	@touch $@

$(LNBITS)/bin/lnbits: | $(VENV)/.installed
	$(PY) -c 'from pathlib import Path; from tools.lnbits_real import install_lnbits; install_lnbits(Path("$(LNBITS)"))'

tools: $(VENV)/.installed $(SAM_VENV)/.installed $(CHECKOV_VENV)/.installed $(LNBITS)/bin/lnbits browser ## everything the test suite needs

browser: $(VENV)/.installed ## Debian's chromium + playwright for tests/browser (idempotent)
	bash tools/browser_deps.sh

LOG ?= pretty
run: $(VENV)/.installed ## serve every API locally (APIs on :3000-3004, dev console on :3999); LOG=json for raw JSON logs, FAULTS=1 for fault injection
	$(PY) -m tools.local.server $(if $(filter json,$(LOG)),--json-logs) $(if $(FAULTS),--faults)

invoke: $(VENV)/.installed ## like sam local invoke, without Docker: make invoke FN=<LogicalId> EVENT=events/... [ENV_VARS=f.json] [PARAMS="K=V"]
	@test -n "$(FN)" || { echo "usage: make invoke FN=<LogicalId> EVENT=events/<api>/<file>.json (or EVENT=- for stdin)" >&2; exit 2; }
	@$(PY) -m tools.local.invoke "$(FN)" $(if $(EVENT),-e "$(EVENT)") $(if $(ENV_VARS),--env-vars "$(ENV_VARS)") \
		$(if $(PARAMS),--parameter-overrides "$(PARAMS)")

# Two pytest processes side by side: what needs the local stack's ports (e2e, browser, make run's port check)
# and everything else; the first's report follows the second's.
STACK_TESTS := tests/integration/tools/test_local_server.py tests/e2e tests/browser
OTHER_TESTS := tests/unit tests/integration tests/contract tests/build
test: tools lint ## the whole suite: lint, unit, integration, contract, policy, sam validate + build, e2e, fuzz, browser
	@mkdir -p .local
	@$(PY) -m pytest -p no:cacheprovider $(STACK_TESTS) $(PYTEST_ARGS) > .local/test-stack.log 2>&1 & stack=$$!; \
	$(PY) -m pytest -p no:cacheprovider $(OTHER_TESTS) --ignore=tests/integration/tools/test_local_server.py $(PYTEST_ARGS); rest=$$?; \
	wait $$stack; stacked=$$?; echo "== e2e and browser (.local/test-stack.log)"; cat .local/test-stack.log; \
	test $$rest -eq 0 && test $$stacked -eq 0

unit: $(VENV)/.installed ## unit tests only (no sockets)
	$(PY) -m pytest tests/unit $(PYTEST_ARGS)

integration: $(VENV)/.installed ## handlers on moto and the protocol fakes
	$(PY) -m pytest tests/integration $(PYTEST_ARGS)

contract: $(VENV)/.installed $(LNBITS)/bin/lnbits ## our Lightning client against a real LNbits
	$(PY) -m pytest tests/contract $(PYTEST_ARGS)

e2e: $(VENV)/.installed ## e2e against the local server, or a stack: LNUPLOAD_URL=https://... make e2e
	$(PY) -m pytest tests/e2e $(PYTEST_ARGS)

lint: $(VENV)/.installed ## ruff (lint + format check) and mypy
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: $(VENV)/.installed ## ruff --fix and ruff format
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

openapi: $(VENV)/.installed ## regenerate openapi/<api>.json from the handlers' models
	$(PY) -m tools.openapi --write

validate: $(SAM_VENV)/.installed ## sam validate --lint
	$(SAM) validate --lint

policy: $(VENV)/.installed $(CHECKOV_VENV)/.installed $(SAM_VENV)/.installed ## cfn-lint (+ AWS serverless rules) and checkov on the templates; fails on any finding
	$(PY) -m tools.policy

params: $(VENV)/.installed ## rewrite README's generated tables (parameters, permissions) from template.yaml
	$(PY) -m tools.params --write

build: $(SAM_VENV)/.installed ## sam build (no containers)
	$(SAM) build

bench: $(VENV)/.installed ## cold starts vs the floor, peak RSS, local req/s (BENCH_ARGS=--full: the slow sections)
	$(PY) -m tools.bench $(BENCH_ARGS)

CAPACITY_ARGS ?=
capacity: $(VENV)/.installed ## each API's journeys by many users on a recording local server: DynamoDB units, hottest items, requests/s ceilings
	$(PY) -m tools.capacity $(CAPACITY_ARGS)

CHAOS_ARGS ?=
chaos: $(VENV)/.installed ## each API's journeys under 10% and 30% faults per dependency, invariants checked (CHAOS_ARGS="--users 16")
	$(PY) -m tools.chaos $(CHAOS_ARGS)

FUZZ_REQUESTS ?= 1000
fuzz: $(VENV)/.installed ## schemathesis, all checks, on every API (FUZZ_REQUESTS per API, default 1000); fails on any 5xx
	$(PY) -m tools.fuzz --requests $(FUZZ_REQUESTS)

seed: $(VENV)/.installed ## invoice_api demo data into the deployed stack (ENV=prod), or LOCAL=1 into make run's
	$(PY) -m tools.seed $(if $(LOCAL),--local,--config-env $(ENV))

deploy: build ## sam deploy (ENV=prod for the prod config)
	$(SAM) deploy --config-env $(ENV)

pr: format test ## what to run before a pull request

clean: ## remove build output and tool caches
	rm -rf .aws-sam .pytest_cache .mypy_cache .ruff_cache
