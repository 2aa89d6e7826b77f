# Passage: `make run` serves it on 127.0.0.1, `make test` runs the whole suite.
# Both install everything they need first, from the lock file, into ./.venv.

PYTHON ?= python3
UV_VERSION = 0.13.8
BOOT = var/bootstrap
UV = $(BOOT)/bin/uv
VENV = .venv
PY = $(VENV)/bin/python
PASSAGE = $(VENV)/bin/passage
PORT ?= 8000
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/passage

.PHONY: run test test-sqlite test-postgres check demo install browser-deps clean

$(UV):
	$(PYTHON) -m venv $(BOOT)
	$(BOOT)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	UV_PROJECT_ENVIRONMENT=$(VENV) $(UV) sync --locked --quiet
	touch $@

install: $(VENV)/.synced

run: install
	mkdir -p var && chmod 700 var
	$(PASSAGE) migrate --no-input
	$(PASSAGE) serve --bind 127.0.0.1:$(PORT)

demo: install
	$(PASSAGE) migrate --no-input
	$(PASSAGE) demo

# Debian's Chromium and the Noto fonts (Burmese glyphs) for the browser test; installed once.
browser-deps:
	@command -v chromium >/dev/null && [ -f /usr/share/fonts/truetype/noto/NotoSansMyanmar-Regular.ttf ] || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-core >/dev/null; }

check: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: install browser-deps check test-sqlite test-postgres

test-sqlite: install
	DATABASE_URL= $(VENV)/bin/pytest -q

# The same suite on PostgreSQL. Skipped with a notice when no server answers, unless
# PASSAGE_REQUIRE_POSTGRES=1 (set by CI), which turns an unreachable server into a failure.
test-postgres: install
	@if $(PY) -m passage.core.dbcheck "$(POSTGRES_URL)"; then \
	  DATABASE_URL=$(POSTGRES_URL) $(VENV)/bin/pytest -q -m "not browser"; \
	elif [ "$${PASSAGE_REQUIRE_POSTGRES:-0}" = 1 ]; then \
	  echo "PostgreSQL at $(POSTGRES_URL) is unreachable and PASSAGE_REQUIRE_POSTGRES=1"; exit 1; \
	else echo "PostgreSQL unreachable: skipping the PostgreSQL run"; fi

clean:
	rm -rf $(VENV) $(BOOT)
