.PHONY: run test lint bench lock messages

run:  ## set up and run the portal with demo data (web, Celery worker and beat)
	bash scripts/run.sh

test:  ## set up and run the whole test suite, browser tests included
	bash scripts/test.sh

lint:  ## ruff check and ruff format --check (also the first step of make test)
	bash scripts/lint.sh

bench:  ## seed scratch databases and measure pages, import and PDFs (docs/benchmarks/portal.md); BENCH_ARGS="--people 100000 1000000"
	bash scripts/bench.sh $(BENCH_ARGS)

lock:  ## re-resolve requirements.lock from pyproject.toml in a throwaway virtualenv
	rm -rf var/lockenv && python3.11 -m venv var/lockenv && var/lockenv/bin/pip install -q --upgrade pip && \
	var/lockenv/bin/pip install -q ".[test]" && var/lockenv/bin/pip freeze --exclude onegate > requirements.lock && rm -rf var/lockenv

messages:  ## refresh and compile the translation catalogues
	.venv/bin/python manage.py makemessages -l id --ignore=.venv --ignore=var --ignore=tests && .venv/bin/python manage.py compilemessages --ignore=.venv
