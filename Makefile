# Passage: `make run` serves it on 127.0.0.1, `make test` runs the whole suite.
# Both install everything they need first, from the lock file, into ./.venv.

PYTHON ?= python3
UV_VERSION = 0.13.8
# The tool that builds .venv lives beside it, not in var/ (the data folder, which holds only what
# Passage writes, 0600: `passage check --deploy` would report a venv's readable files there).
BOOT = .bootstrap
UV = $(BOOT)/bin/uv
VENV = .venv
PY = $(VENV)/bin/python
PASSAGE = $(VENV)/bin/passage
PORT ?= 8000
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/passage

.PHONY: run test test-sqlite test-postgres check demo install runtime-deps browser-deps clean

$(UV):
	$(PYTHON) -m venv $(BOOT)
	$(BOOT)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	UV_PROJECT_ENVIRONMENT=$(VENV) $(UV) sync --locked --quiet
	touch $@

install: $(VENV)/.synced

run: install runtime-deps
	mkdir -p var && chmod 700 var
	$(PASSAGE) migrate --no-input
	# The background worker (missed check-ins) runs beside the server and stops with it.
	$(PASSAGE) db_worker --no-reload & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PASSAGE) serve --bind 127.0.0.1:$(PORT)

demo: install
	$(PASSAGE) migrate --no-input
	$(PASSAGE) demo

# Debian packages, installed once with apt-get (through sudo when not root); where they cannot
# be installed this says so. $(call apt_ensure,WHAT,CONDITION,PACKAGES) installs PACKAGES unless
# the shell CONDITION already holds.
APT_GET ?= apt-get
define apt_ensure
	@if $(2); then exit 0; fi; \
	if ! command -v $(firstword $(APT_GET)) >/dev/null; then \
	  echo "$(1): no apt-get to install $(3)"; exit 0; fi; \
	SUDO=; if [ "$$(id -u)" != 0 ]; then \
	  if command -v sudo >/dev/null; then SUDO=sudo; else \
	    echo "$(1): run as root (or with sudo) to install $(3)"; exit 0; fi; fi; \
	echo "$(1): installing $(3) with apt-get"; \
	$$SUDO $(APT_GET) update -qq && \
	$$SUDO env DEBIAN_FRONTEND=noninteractive $(APT_GET) install -y -qq --no-install-recommends \
	  $(3) >/dev/null && { $(2); } || { echo "$(1): apt-get did not install $(3)"; exit 1; }
endef

# FriBiDi, which Pillow's bundled raqm loads to shape Burmese in the summary's PNG and PDF
# (without it they fall back to English).
runtime-deps:
	$(call apt_ensure,runtime-deps,ldconfig -p | grep -q libfribidi.so.0,libfribidi0)

# Debian's Chromium and the Noto fonts (Burmese glyphs) for tests/browser, and GNU gettext
# (xgettext, for tests/test_translations.py). The browser test skips itself if Chromium is
# missing. tests/browser/conftest.py uses the same path.
CHROMIUM = /usr/bin/chromium
BURMESE_FONT = /usr/share/fonts/truetype/noto/NotoSansMyanmar-Regular.ttf
browser-deps:
	$(call apt_ensure,browser-deps,[ -x $(CHROMIUM) ] && [ -f $(BURMESE_FONT) ] && command -v xgettext >/dev/null,chromium fonts-noto-core gettext)

check: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: install runtime-deps browser-deps check test-sqlite test-postgres

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

# The foundation benchmark (benchmarks/foundation/): 100,000 cases in PostgreSQL (database
# passage_bench, created and dropped) and in SQLite under var/bench/, 10 signed-in users on
# 127.0.0.1; writes benchmarks/results/foundation.md.
.PHONY: bench
bench: install
	$(PY) benchmarks/foundation/run.py --seconds=45

clean:
	rm -rf $(VENV) $(BOOT)
