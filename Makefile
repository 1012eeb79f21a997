# Samenspel: the two commands are `make play` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PLAY_SCENARIO ?= scenarios/vechtscheiding.yaml
RUFF_CHECK := $(BIN)/ruff check game tests benchmarks

.PHONY: play test bench screenshots schema lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
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
test: $(STAMP)
	$(RUFF_CHECK)
	SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy $(BIN)/python -m pytest -q

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
