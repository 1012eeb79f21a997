# Samenspel: the two commands are `make play` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PLAY_SCENARIO ?= scenarios/vechtscheiding.yaml
RUFF_CHECK := $(BIN)/ruff check game tests benchmarks
# axe-core (accessibility checks in the browser tests), fetched at test-setup time only.
AXE := .cache/npm/node_modules/axe-core/axe.min.js

.PHONY: play test bench screenshots schema lint clean browser-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml setup.py | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

## play: open the game window (or, without a display, play a bundled case in the terminal)
play: $(STAMP)
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ] || [ "$$(uname)" = "Darwin" ]; then \
		$(BIN)/samenspel; \
	else \
		echo "Geen beeldscherm gevonden: Samenspel speelt nu in de terminal ($(PLAY_SCENARIO))."; \
		$(BIN)/samenspel play $(PLAY_SCENARIO) --text; \
	fi

## test: install with test extras, lint with ruff, then run the whole test suite
test: $(STAMP) browser-deps
	$(RUFF_CHECK)
	@command -v chromium >/dev/null 2>&1 || echo "NOTE: Chromium is not installed, so the \
	browser tests (tests/test_klas_browser.py) are SKIPPED: apt-get install chromium"
	SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy $(BIN)/python -m pytest -q

## browser-deps: fetch axe-core from the npm registry into the git-ignored .cache/ (once)
browser-deps:
	@if [ ! -f $(AXE) ]; then \
		if command -v npm >/dev/null 2>&1; then \
			npm install --silent --no-save --no-package-lock --prefix .cache/npm axe-core@4 \
			|| echo "NOTE: axe-core could not be fetched: the accessibility test is SKIPPED"; \
		else echo "NOTE: npm not found: axe-core not fetched, the accessibility test is SKIPPED"; fi; \
	fi

## bench: run the benchmarks and print one table
bench: $(STAMP)
	SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy $(BIN)/python benchmarks/run.py

## screenshots: a PNG of every screen, both languages, normal and high contrast
screenshots: $(STAMP)
	SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy $(BIN)/python -m game.ui.screenshots screenshots

## lint: ruff over the code, tests and benchmarks (also the first step of `make test`)
lint: $(STAMP)
	$(RUFF_CHECK)

## schema: regenerate docs/scenario.schema.json from the model
schema: $(STAMP)
	$(BIN)/python -m game.scenario.schema docs/scenario.schema.json

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .hypothesis
