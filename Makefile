# Frontline: `make run` serves the dashboard, `make test` runs the tests.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
PORT   ?= 8501
# pytest workers: 2 by default; --dist loadfile keeps each test file (and its server fixtures) in one worker
JOBS   ?= 2

.PHONY: venv ingest run test bench clean

venv: $(STAMP)

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt | $(PY)
	$(PY) -m pip install -r requirements.txt
	touch $(STAMP)

ingest: venv
	$(PY) -m frontline ingest seeds/

run: venv ingest
	$(PY) -m streamlit run app.py --server.address 127.0.0.1 --server.port $(PORT) --server.headless true

test: venv
	$(PY) -m pytest -q -n $(JOBS) --dist loadfile

bench: venv
	$(PY) -m frontline bench

clean:
	rm -rf .pytest_cache .hypothesis out data/parquet
	rm -f data/*.duckdb data/*.duckdb.wal
	find . -name __pycache__ -not -path './$(VENV)/*' -prune -exec rm -rf {} +
