# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
SHELL  := /bin/bash
PYTHON ?= python3.11
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cat requirements.txt | md5sum | cut -c1-8)
export HF_HUB_OFFLINE=1
export TRANSFORMERS_OFFLINE=1
# torch and faiss share the process: passive OpenMP waiters keep them from starving each other
export OMP_WAIT_POLICY=PASSIVE

.PHONY: install run test test-sqlite test-fast qa bench clean

$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# torch first, exactly the CPU wheel on these machines (any other pulls CUDA)
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -r requirements.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

run: install
	$(VENV)/bin/streamlit run app.py

# No output filter: DuckDB's nanobind "leaked ..." lines at exit came from query engines still open at
# interpreter teardown, and core.query now closes every engine at exit (tests/test_server.py checks it).
# The suite runs twice: on the embedded SQLite catalog, then with every catalog on a PostgreSQL server the tests
# start themselves (tests/pg.py; skipped without Debian's postgresql unless EXCELCHAT_REQUIRE_PG=1, as in CI).
# The second pass leaves out the browser tests and the few marked sqlite_only (their child processes open
# catalog.sqlite); test_replicas and the catalog/workspace tests run on both backends in the first pass too.
test: install
	$(PY) -m pytest -q
	EXCELCHAT_TEST_BACKEND=postgres $(PY) -m pytest -q -m "not browser"

test-sqlite: install
	$(PY) -m pytest -q

test-fast: install
	$(PY) -m pytest -q -m "not slow and not browser"

qa: install
	$(PY) ../shared/qa/score.py

bench: install
	$(PY) -m bench

clean:
	rm -rf $(VENV) .pytest_cache
