# Allied — set-up and everyday commands. A newcomer needs only `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV := .tools/bin/uv
STAMP := $(VENV)/.installed

.PHONY: install warm demo test lint typecheck pytest bench clean

install: $(STAMP) warm

# build the exchange and SMP kernels ahead of time (when the source changed) and run the demo once, so that numba's
# on-disk caches are warm and no command a user types compiles anything (tests/test_startup.py checks it); first
# bring src's bytecode up to date: where Python writes none (PYTHONDONTWRITEBYTECODE=1), a module edited since the
# last compile is compiled again on every run (≈ 30 ms of the 30-actor SMP forecast; docs/performance.md)
warm: $(STAMP)
	@$(BIN)/python -m compileall -q src >/dev/null 2>&1 || true
	@$(BIN)/python -m allied.models.exchange._aot >/dev/null 2>&1 || echo "note: exchange kernels not prebuilt (no C compiler?); numba compiles them once, below"
	@$(BIN)/python -m allied.models.smp._aot >/dev/null 2>&1 || echo "note: SMP kernels not prebuilt (no C compiler?); numba compiles them on first use"
	@$(BIN)/python -m allied.protocols._aot >/dev/null 2>&1 || echo "note: protocol kernel not prebuilt (no C compiler?); numba compiles it on first use"
	@$(BIN)/allied show korea-2019 >/dev/null 2>&1 || true
	@$(BIN)/allied forecast korea-2019 --model all >/dev/null 2>&1 || true

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	@if [ ! -x $(UV) ]; then $(PY) -m pip install --quiet --target .tools/lib uv >/dev/null 2>&1 \
	  && mkdir -p .tools/bin && cp .tools/lib/bin/uv $(UV) || echo "uv unavailable: falling back to pip"; fi
	@if [ -x $(UV) ]; then VIRTUAL_ENV=$(VENV) $(UV) pip install --quiet --compile-bytecode --python $(BIN)/python -e '.[dev]'; \
	  else $(BIN)/python -m pip install --quiet --upgrade pip && $(BIN)/python -m pip install --quiet -e '.[dev]'; fi
	@$(BIN)/python -m compileall -q src >/dev/null 2>&1 || true
	@# optional: the exchange kernel built ahead of time (needs a C compiler); without it numba compiles on first use
	@$(BIN)/python -m allied.models.exchange._aot >/dev/null 2>&1 || echo "note: exchange kernel not prebuilt; numba compiles it on first use"
	@$(BIN)/python -m allied.models.smp._aot >/dev/null 2>&1 || echo "note: SMP kernels not prebuilt; numba compiles them on first use"
	@$(BIN)/python -m allied.protocols._aot >/dev/null 2>&1 || echo "note: protocol kernel not prebuilt; numba compiles it on first use"
	@touch $(STAMP)

demo: install
	$(BIN)/allied show korea-2019
	$(BIN)/allied forecast korea-2019 --model all

lint: install
	$(BIN)/ruff check src tests benchmarks

typecheck: install
	$(BIN)/mypy src

pytest: install
	$(BIN)/pytest -q

test: install lint typecheck pytest

bench: install
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) .tools .pytest_cache .mypy_cache .ruff_cache
