"""requirements-min.txt pins every lower bound of requirements.txt, and nothing else (issue 10).

scripts/check_min_versions.sh installs requirements-min.txt and runs the suite, so a bound raised or
added in requirements.txt without the same pin there would be a lower bound nobody tested."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINE = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(==|>=)\s*([0-9][A-Za-z0-9.]*)\s*(?:#.*)?$")


def _name(n: str) -> str:
    return re.sub(r"[-_.]+", "-", n).lower()


def _version(v: str) -> tuple[int, ...]:
    """Release numbers with trailing zeros dropped: `1.0` and `1.0.0` are one version."""
    parts = [int(p) for p in v.split(".")]
    while parts and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def _read(name: str, op: str) -> dict[str, tuple[int, ...]]:
    out: dict[str, tuple[int, ...]] = {}
    for raw in (ROOT / name).read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        m = LINE.match(line)
        assert m, f"{name}: {raw!r} is not `package{op}version`"
        assert m.group(2) == op, f"{name}: {raw!r} should use {op}"
        pkg = _name(m.group(1))
        assert pkg not in out, f"{name}: {pkg} listed twice"
        out[pkg] = _version(m.group(3))
    return out


def test_requirements_min_pins_exactly_the_lower_bounds():
    bounds = _read("requirements.txt", ">=")
    pins = _read("requirements-min.txt", "==")
    assert sorted(bounds) == sorted(pins), "the same packages in both files"
    wrong = {p: (bounds[p], pins[p]) for p in bounds if bounds[p] != pins[p]}
    assert not wrong, f"pinned away from the lower bound (bound, pin): {wrong}"


def test_the_version_comparison_ignores_trailing_zeros():
    assert _version("1.0") == _version("1.0.0") and _version("2.6") == _version("2.6.0")
    assert _version("1.109.1") != _version("1.109")
