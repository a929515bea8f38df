# Every target works first on a fresh clone: each one builds what it needs.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
NODES ?= 2
CLUSTER_PORT ?= 8080

# Candidates are run, not just looked up: a pyenv shim can be on PATH and still fail.
define find_python
for c in python3.14 python3.13 python3.12 python3 \
         $$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.*/bin/python3 2>/dev/null | sort -rV); do \
  if "$$c" -c 'import sys, venv; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
    command -v "$$c"; break; \
  fi; \
done
endef

.PHONY: help install install-dev validator run dev test test-quick lint format content editor \
        export bench cluster bench-cluster clean

help:
	@echo "make run      serve the site with gunicorn at http://$(HOST):$(PORT) (SQLite under var/)"
	@echo "make test     run the whole test suite"
	@echo "make test-quick  the suite without its slow layers (browser, gunicorn, cluster, HTML validator)"
	@echo "make dev      runserver with DEBUG on"
	@echo "make install  create .venv and install the pinned dependencies"
	@echo "make lint     ruff check and ruff format --check"
	@echo "make content  reload fixtures/guide.json into the database (overwrites edits)"
	@echo "make editor   create an editor account for /admin/ (asks for name and password)"
	@echo "make export   write the current content to fixtures/guide.json"
	@echo "make bench    measure throughput, latency and page weight under gunicorn"
	@echo "make cluster  nginx on :$(CLUSTER_PORT) in front of $(NODES) gunicorn nodes on PostgreSQL and Redis, under supervisord"
	@echo "make bench-cluster  throughput through nginx with 1 node, then 2"

$(PY):
	@py=$$($(find_python)); \
	if [ -z "$$py" ]; then \
	  echo "error: no Python >= 3.12 with the venv module was found." >&2; \
	  echo "Tried python3.14, python3.13, python3.12, python3 and pyenv's versions." >&2; \
	  echo "Install one, e.g. 'pyenv install 3.13' or 'apt-get install python3.13 python3.13-venv'." >&2; \
	  exit 1; \
	fi; \
	echo "Creating $(VENV) with $$py ($$($$py -V))"; \
	"$$py" -m venv $(VENV)

$(VENV)/.installed: requirements.lock | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	@touch $@

$(VENV)/.installed-dev: requirements-dev.lock | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.lock
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

# Migrate, load the content into an empty database only (editors' changes and
# users' data survive a restart), collect static files, then serve.
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_guide --if-empty
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(VENV)/bin/gunicorn --config config/gunicorn.py --bind $(HOST):$(PORT) config.wsgi

dev: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_guide --if-empty
	DJANGO_DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

content: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_guide

# vnu.jar, the W3C HTML checker the tests run on Java, from npm at the version the lock file
# pins. Its install script (a Java download) is not run: the tests use the system's Java.
# Without npm the HTML check is skipped (it fails under CI=true).
VALIDATOR := tests/validator
$(VALIDATOR)/node_modules/.installed: $(VALIDATOR)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  cd $(VALIDATOR) && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error && touch node_modules/.installed; \
	else \
	  echo "npm not found: the HTML check will be skipped (apt-get install -y npm)"; \
	fi

validator: $(VALIDATOR)/node_modules/.installed

test: install-dev validator
	$(PY) -m pytest $(PYTEST_ARGS)

# The markers are given by where the tests live (tests/conftest.py).
test-quick: install-dev
	$(PY) -m pytest -m "not browser and not gunicorn and not cluster and not validator" $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) var/static .pytest_cache .ruff_cache $(VALIDATOR)/node_modules

# Ask for a username, email and password, and create an editor account (see README).
editor: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py create_editor

export: install
	$(PY) manage.py export_guide

# Throughput, latency and page weight of the site as `make run` serves it (prints figures).
bench: install-dev
	$(PY) tests/benchmark.py

# nginx from Debian, installed like Chromium for the browser tests when it is missing.
define need_nginx
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then \
  echo "Installing Debian's nginx"; \
  sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
  $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq nginx; \
fi
endef

# nginx on CLUSTER_PORT in front of NODES gunicorn nodes (CLUSTER_PORT+1 onward), sharing
# PostgreSQL and Redis (DATABASE_URL, REDIS_URL; see README "Deploying"), kept by supervisord
# in the foreground: it restarts a node that dies, Ctrl-C stops every process. One node:
# .venv/bin/supervisorctl -c var/cluster/supervisord.conf stop|start|restart node1.
# supervisor is a dev dependency (install-dev): servers run the nodes under systemd.
cluster: install-dev
	@$(need_nginx)
	$(PY) tests/cluster.py --nodes $(NODES) --port $(CLUSTER_PORT)

# Throughput through nginx with 1 node and with 2, in the same run (prints figures).
bench-cluster: install-dev
	@$(need_nginx)
	$(PY) tests/bench_cluster.py
