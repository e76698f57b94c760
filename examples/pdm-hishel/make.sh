#!/usr/bin/env bash
# How this example was made (2026-12-07, Debian 12, Python 3.11), so anyone can make it again.
#
# The baseline stands in for a night before hishel 2.0 was released: pdm 2.29.4 is installed into a
# venv of its own with hishel held below 2 (hishel 1.4.0 that day) and put first on PATH, where rodeo
# finds it. Nothing else differs from the run that follows, which lets rodeo install pdm as it does
# every night (pdm 2.29.4 with hishel 2.0.0, from PyPI) and isolate what broke it.
set -euo pipefail
cd "$(dirname "$0")"
rm -rf before today pdm-before baseline.json report.md
python3 -m venv pdm-before
pdm-before/bin/pip install --quiet "pdm==2.29.4" "hishel<2"
PATH="$PWD/pdm-before/bin:$PATH" rodeo run --config rodeo.yml --cell pdm-all-debian-12-py3.11 --output before
rodeo report --config rodeo.yml --results before --json baseline.json
rodeo bisect --config rodeo.yml --cell pdm-all-debian-12-py3.11 --baseline baseline.json --output today || true
rodeo report --config rodeo.yml --results today --baseline baseline.json --markdown report.md
rm -rf pdm-before
