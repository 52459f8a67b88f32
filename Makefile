.PHONY: run test lint fmt bench

run:  ## set up and serve the portal with a worker (SQLite + file-system broker by default)
	bash scripts/run.sh

test:  ## set up and run the whole suite (lint, checks, SQLite and PostgreSQL runs)
	bash scripts/test.sh

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

fmt:
	.venv/bin/ruff check --fix . && .venv/bin/ruff format .

bench:
	for f in bench/*.py; do .venv/bin/python $$f; done
