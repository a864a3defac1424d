# Two commands for readers and CI: `make book` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# requirements.in installs the latest releases instead of the pins (weekly upstream check).
REQUIREMENTS ?= requirements.txt
VENDOR := _extra/vendor/.versions
# The CPU build of PyTorch unless asked otherwise (see the venv rule below).
TORCH_INDEX ?= https://download.pytorch.org/whl/cpu
TORCH_SPEC := $(or $(shell grep -m1 -E '^torch(==.*)?$$' $(REQUIREMENTS)),torch)
# One BLAS thread in every kernel (reproducible digits, no contention on small products).
export OMP_NUM_THREADS ?= 1
export OPENBLAS_NUM_THREADS ?= 1
export MKL_NUM_THREADS ?= 1

# A second numeric configuration for the strict nbval run: other MKL, ATen and OpenBLAS code
# paths and two threads, as on another CPU. A stored output that depends on the code path
# fails here, not on an adopter's machine. (OpenBLAS core names are x86 ones.)
PERTURBED := MKL_CBWR=COMPATIBLE ATEN_CPU_CAPABILITY=default \
	OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2 MKL_NUM_THREADS=2
ifeq ($(shell uname -m),x86_64)
PERTURBED += OPENBLAS_CORETYPE=Sandybridge
endif

.PHONY: book test lint unit unit-perturbed standalone lab clean help execute notebooks \
	notebooks-current assignments assignments-test pdf

help:
	@echo "make book   build the website into _build/html"
	@echo "make test   lint, unit tests + strict nbval (twice: default and perturbed numerics),"
	@echo "            each chapter alone (Colab-like), strict site build, browser tests"
	@echo "            of the site and of the chapters in JupyterLab"
	@echo "make lab    JupyterLab on the student notebooks (plain Markdown, as Colab shows them)"
	@echo "make notebooks  regenerate notebooks/ (the student notebooks) from chapters/"
	@echo "make assignments       graded otter-grader assignments of every chapter (_build/assignments)"
	@echo "make assignments-test  grade right, wrong and mixed submissions of all seven chapters"
	@echo "make pdf    the whole book as one PDF (_build/latex/book.pdf) and its checks"
	@echo "make clean  remove build outputs (keeps .venv)"

$(STAMP): $(REQUIREMENTS) pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else \
		f"The book needs Python 3.11 or newer; $(PYTHON) is {sys.version.split()[0]}. " \
		"Install one and run e.g. make PYTHON=python3.11")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@# PyTorch first, from its CPU index (PyPI's Linux wheel bundles CUDA, several GB); where
	@# that index cannot be reached, from the usual index. TORCH_INDEX= (empty) or a CUDA
	@# index such as https://download.pytorch.org/whl/cu126 opts into a GPU build.
	$(BIN)/python -m pip install --quiet "$(TORCH_SPEC)" $(if $(TORCH_INDEX),--index-url $(TORCH_INDEX) --timeout 10 --retries 1) \
		|| $(BIN)/python -m pip install --quiet "$(TORCH_SPEC)"
	$(BIN)/python -m pip install --quiet -r $(REQUIREMENTS)
	@touch $(STAMP)

$(VENDOR): scripts/fetch_vendor.sh
	bash scripts/fetch_vendor.sh

# The student notebooks: each chapter in portable Markdown (scripts/student_notebooks.py).
# Committed, because Colab and Binder open them from the repository; `make test` fails
# while they differ from what the chapters give (tests/test_student_notebooks.py).
notebooks: $(STAMP)
	$(BIN)/python scripts/student_notebooks.py

book: $(STAMP) $(VENDOR) notebooks
	$(BIN)/jupyter-book build .
	@echo "The book is in _build/html: open file://$(CURDIR)/_build/html/index.html"

lint: $(STAMP)
	$(BIN)/ruff check dgm_utils tests benchmarks scripts _ext conftest.py
	$(BIN)/ruff format --check dgm_utils tests benchmarks scripts _ext conftest.py

notebooks-current: $(STAMP)
	$(BIN)/python scripts/student_notebooks.py --check

unit: $(STAMP)
	$(BIN)/pytest --nbval

unit-perturbed: $(STAMP)
	env $(PERTURBED) $(BIN)/pytest --nbval

# Each chapter alone in a Colab-like environment (.venv-standalone, made once and reused).
standalone: $(STAMP)
	$(BIN)/pytest --standalone tests/standalone

test: lint notebooks-current unit unit-perturbed standalone $(VENDOR)
	$(BIN)/jupyter-book build --all -W -n --keep-going .
	bash scripts/ensure_chromium.sh
	$(BIN)/pytest --site tests/site
	$(BIN)/pytest --lab tests/lab
	$(BIN)/pytest tests/assignments --assignments=fast

# Graded assignments with otter-grader: per chapter a student notebook and the autograder
# zip Gradescope accepts (reference/instructors.md). make test grades two chapters' submissions;
# assignments-test grades all seven (each submission runs its whole chapter).
assignments: $(STAMP)
	$(BIN)/python scripts/assignments.py

assignments-test: $(STAMP)
	$(BIN)/pytest tests/assignments --assignments=all

# The whole book as one PDF with Debian's TeX Live (installed when missing), checked with
# pdftotext. The site links book.pdf: copied into _extra/ (the next `make book` serves it)
# and into an existing _build/html.
pdf: $(STAMP)
	bash scripts/ensure_texlive.sh
	$(BIN)/jupyter-book build . --builder pdflatex
	$(BIN)/pytest --pdf tests/pdf
	mkdir -p _extra && cp _build/latex/book.pdf _extra/book.pdf
	if [ -d _build/html ]; then cp _build/latex/book.pdf _build/html/book.pdf; fi

# The student notebooks in plain JupyterLab, as Colab and a download show them: the config in
# binder/jupyter turns jupyterlab-myst and the news pop-up off. (The MyST chapters in
# JupyterLab with jupyterlab-myst: `jupyter lab chapters/`.)
# As root (a container, Binder-like images) Jupyter refuses to start without --allow-root.
lab: $(STAMP)
	JUPYTER_CONFIG_PATH=$(CURDIR)/binder/jupyter $(BIN)/jupyter lab \
		$(if $(filter 0,$(shell id -u)),--allow-root) notebooks/

clean:
	rm -rf _build _extra .pytest_cache .ruff_cache

execute: $(STAMP)
	$(BIN)/python scripts/execute_notebooks.py $(NB)
