# The two commands of the README are `make run` and `make test`; both install what they need.
SHELL := /bin/bash
PY ?= python3
UV := $(PY) -m uv
export UV_LINK_MODE := copy

.PHONY: bootstrap browser run sandbox test check fmt bench vendor

bootstrap:
	@$(PY) -m uv --version >/dev/null 2>&1 || $(PY) -m pip install --quiet --disable-pip-version-check uv
	@$(UV) sync --frozen --quiet

run: bootstrap
	$(UV) run verone serve

# Debian's Chromium (and its French interface) for tests/browser/, installed when missing.
browser:
	@scripts/install-browser.sh

test: bootstrap browser
	$(UV) run pytest

check: bootstrap
	$(UV) run ruff format --check src tests bench
	$(UV) run ruff check src tests bench
	$(UV) run mypy
	$(UV) run lint-imports

fmt: bootstrap
	$(UV) run ruff format src tests bench
	$(UV) run ruff check --fix src tests bench

bench: bootstrap
	$(UV) run python -m bench

# Re-vendor the web UI's assets from npm (htmx, Chart.js, Swagger UI, axe-core, Pico); the
# copies under src/verone/backoffice/static/vendor/ are committed, nothing is fetched at run time.
vendor:
	scripts/vendor-assets.sh
