# One entry point for people and CI. `make run` and `make test` are the two a newcomer needs.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
PACKAGES := -p imc_contracts -p imc_shared -p imc_registry -p imc_applications \
	-p imc_scheduling -p imc_documents -p imc_notifications -p imc_federation -p imc_growth -p imc_analytics -p imc_resources \
	-p imc_portal -p imc_local

.PHONY: install run flow test test-fast lint format bench up up-centre clean

install:  ## system packages (only missing ones) and the Python workspace
	@deploy/local/install-system-deps.sh
	@uv sync --all-packages --frozen --quiet

run: install  ## the demo federation: two districts and the centre, on this machine
	uv run python -m imc_local

flow:  ## the walking-skeleton scenario against `make run`
	uv run python -m imc_local.flow

lint:
	uv run ruff check .
	uv run ruff format --check .
	uv run mypy $(PACKAGES)

test: install lint  ## everything CI runs: lint, unit, service and end-to-end tests
	uv run pytest

test-fast: lint  ## unit and service tests only (no brokers)
	uv run pytest -m "not e2e"

format:
	uv run ruff check --fix .
	uv run ruff format .

bench:  ## speed as ratios in the same run: messaging and federation against raw aio-pika; 500 certificates against a cold converter per document; a request with a token against an open one; consumers back after a broker fault
	uv run python -m imc_local.bench
	uv run python -m imc_local.bench_federation
	uv run python -m imc_local.bench_documents 500 --naive-sample 20
	uv run python -m imc_local.bench_auth 2000
	uv run python -m imc_local.bench_recovery

up:  ## one district with docker compose (.env from deploy/compose/district.env.example)
	docker compose up -d

up-centre:  ## the centre (deploy/compose/centre.env from centre.env.example)
	docker compose -f deploy/compose/centre.yml --env-file deploy/compose/centre.env up -d

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
