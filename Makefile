# Referable: `make run` and `make test` do all the set-up on a fresh clone.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
export DJANGO_SETTINGS_MODULE := referable.settings
# Packages compile their bytecode at install; the environment may forbid writing it later.
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test lint format bench install migrate demo worker clean

$(STAMP): requirements.lock pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip 2>&1 | grep -v "is ignored" || true
	$(BIN)/pip install --quiet --compile -r requirements.lock 2>&1 | grep -v "is ignored" || true
	$(BIN)/pip install --quiet --no-deps -e . 2>&1 | grep -v "is ignored" || true
	$(BIN)/python -c "import django, ninja, django_scopes, playwright" 
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/referable migrate --no-input -v0

demo: migrate
	$(BIN)/referable demo

# The web server and, beside it, the background worker (once it exists). Locally the
# static files are hashed but not pre-compressed: brotli takes 40 s on the API docs'
# bundles, and a laptop does not need it (production uses the compressed default).
run: export STATICFILES_BACKEND ?= django.contrib.staticfiles.storage.ManifestStaticFilesStorage
run: demo
	$(BIN)/referable collectstatic --no-input -v0
	@echo "Referable is starting on http://$(HOST):$(PORT)/ (Ctrl-C stops it)"
	@if $(BIN)/referable help 2>/dev/null | grep -qw worker; then \
		trap 'kill 0' INT TERM EXIT; \
		$(BIN)/referable worker & \
		$(BIN)/gunicorn referable.wsgi --bind $(HOST):$(PORT) --workers 2 --threads 4 --no-control-socket; \
	else \
		$(BIN)/gunicorn referable.wsgi --bind $(HOST):$(PORT) --workers 2 --threads 4 --no-control-socket; \
	fi

test: install
	$(BIN)/ruff check .
	$(BIN)/referable makemigrations --check --dry-run -v0
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest -q $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix . && $(BIN)/ruff format .

bench: install
	$(BIN)/python -m bench $(BENCH_ARGS)

worker: migrate
	$(BIN)/referable worker

clean:
	rm -rf $(VENV) var/static
