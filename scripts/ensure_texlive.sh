#!/usr/bin/env bash
# `make pdf` typesets the book with Debian's TeX Live (Sphinx's LaTeX builder, run by
# jupyter-book) and checks it with poppler's pdftotext; nothing is downloaded from CTAN.
# The packages Jupyter Book's PDF documentation lists (texlive-fonts-extra: its LaTeX class
# needs bbm), XeLaTeX with a Unicode font (the prose has ×, −, →), latexmk and xindy (the
# index), and poppler-utils for the test.
set -euo pipefail
if command -v xelatex >/dev/null 2>&1 && command -v latexmk >/dev/null 2>&1 \
  && command -v pdftotext >/dev/null 2>&1 && command -v xindy >/dev/null 2>&1 && kpsewhich bbm.sty >/dev/null 2>&1; then
  exit 0
fi
echo "Installing Debian's TeX Live for the PDF (about 2.5 GB, once)..."
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
  texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended texlive-fonts-extra \
  texlive-xetex fonts-freefont-otf tex-gyre latexmk xindy poppler-utils >/dev/null
