# Two entry points, both safe on a fresh machine:
#   make run   installs into .venv and starts the dashboard
#   make test  installs into .venv (and Debian's chromium and PostgreSQL binaries if missing) and runs every test tier
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501

.PHONY: run test test-unit test-app test-e2e bench chromium postgres nginx replicas replicas-stop clean screenshots

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

run: $(VENV)/.installed
	@bash scripts/ensure_chromium.sh || echo "No chromium: the briefing's PNG charts are unavailable; everything else works."
	$(PY) -m streamlit run app.py --server.port $(PORT)

chromium:
	@bash scripts/ensure_chromium.sh

postgres:
	@bash scripts/ensure_postgres.sh

nginx:
	@bash scripts/ensure_nginx.sh

# N replicas behind nginx on 127.0.0.1:8080; live classes need KETAMINE_CLASS_DB (PostgreSQL) shared by all.
replicas: $(VENV)/.installed nginx
	$(PY) deploy/replicas.py start --replicas $${REPLICAS:-2} --port $${PORT_LB:-8080}

replicas-stop:
	$(PY) deploy/replicas.py stop

test: $(VENV)/.installed chromium postgres nginx
	$(PY) -m pytest

test-unit: $(VENV)/.installed postgres
	$(PY) -m pytest tests/unit

test-app: $(VENV)/.installed
	$(PY) -m pytest tests/app

test-e2e: $(VENV)/.installed chromium postgres nginx
	$(PY) -m pytest tests/e2e

clean:
	rm -rf $(VENV) .pytest_cache

screenshots: $(VENV)/.installed chromium
	$(PY) scripts/screenshots.py

bench: $(VENV)/.installed chromium
	$(PY) bench/run.py

bench-class: $(VENV)/.installed postgres
	$(PY) bench/live_class.py
