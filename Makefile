# Entry points. `make run` and `make test` install what they need on first use.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON313 = $(shell tools/python313.sh)
VENV      := .venv
PY        := $(VENV)/bin/python
SAM_VENV  := .tools/sam
LNBITS    := .tools/lnbits
SAM       := tools/sam.sh
ENV       ?= default
PYTEST_ARGS ?=

.PHONY: help venv tools browser run test unit integration e2e contract lint format openapi build validate bench capacity fuzz deploy seed pr clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml layers/shared/requirements.txt
	@test -x $(PY) || $(PYTHON313) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r layers/shared/requirements.txt --group dev
	@touch $@

venv: $(VENV)/.installed ## the project's Python 3.13 virtualenv

$(SAM_VENV)/.installed:
	@test -x $(SAM_VENV)/bin/python || $(PYTHON313) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/pip install -q aws-sam-cli==1.170.0
	@touch $@

$(LNBITS)/bin/lnbits: | $(VENV)/.installed
	$(PY) -c 'from pathlib import Path; from tools.lnbits_real import install_lnbits; install_lnbits(Path("$(LNBITS)"))'

tools: $(VENV)/.installed $(SAM_VENV)/.installed $(LNBITS)/bin/lnbits browser ## everything the test suite needs

browser: $(VENV)/.installed ## Debian's chromium + playwright for tests/browser (idempotent)
	bash tools/browser_deps.sh

run: $(VENV)/.installed ## serve every API locally (moto, dev console on :3999, lnupload on :3000)
	$(PY) -m tools.local.server

test: tools lint ## the whole suite: lint, unit, integration, contract, e2e, OpenAPI drift, sam validate + build
	$(PY) -m pytest $(PYTEST_ARGS)

unit: $(VENV)/.installed
	$(PY) -m pytest tests/unit $(PYTEST_ARGS)

integration: $(VENV)/.installed
	$(PY) -m pytest tests/integration $(PYTEST_ARGS)

contract: $(VENV)/.installed $(LNBITS)/bin/lnbits
	$(PY) -m pytest tests/contract $(PYTEST_ARGS)

e2e: $(VENV)/.installed ## e2e against the local server, or a stack: LNUPLOAD_URL=https://... make e2e
	$(PY) -m pytest tests/e2e $(PYTEST_ARGS)

lint: $(VENV)/.installed ## ruff (lint + format check) and mypy
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

openapi: $(VENV)/.installed ## regenerate openapi/<api>.json from the handlers' models
	$(PY) -m tools.openapi --write

validate: $(SAM_VENV)/.installed
	$(SAM) validate --lint

build: $(SAM_VENV)/.installed ## sam build (no containers)
	$(SAM) build

bench: $(VENV)/.installed ## cold imports, peak RSS, local requests/s (figures printed)
	$(PY) -m tools.bench

CAPACITY_ARGS ?=
capacity: $(VENV)/.installed ## each API's journeys by many users on a recording local server: DynamoDB units, hottest items, requests/s ceilings
	$(PY) -m tools.capacity $(CAPACITY_ARGS)

FUZZ_REQUESTS ?= 1000
fuzz: $(VENV)/.installed ## schemathesis, all checks, on every API (FUZZ_REQUESTS per API, default 1000); fails on any 5xx
	$(PY) -m tools.fuzz --requests $(FUZZ_REQUESTS)

seed: $(VENV)/.installed ## invoice_api demo data into the deployed stack (ENV=prod), or LOCAL=1 into make run's
	$(PY) -m tools.seed $(if $(LOCAL),--local,--config-env $(ENV))

deploy: build ## sam deploy (ENV=prod for the prod config)
	$(SAM) deploy --config-env $(ENV)

pr: format test ## what to run before a pull request

clean:
	rm -rf .aws-sam .pytest_cache .mypy_cache .ruff_cache
