"""Faster module-level regexes, same results: a literal prefilter and an ASCII twin, used on ASCII text only.

Most of the scoring patterns are long alternations of phrases ("sounds like you", "I'll make sure"...), tried at
every position of every sentence, and most sentences hold none of them. `speed_up(globals())`, at the end of a
module, replaces each of its compiled patterns (and those inside its dicts and (name, pattern) tuples) by a
`Fast` pattern that, for a subject of plain ASCII text:
- first checks words the pattern cannot match without ("factors", worked out from the parsed pattern: each
  alternative's longest run of literal characters, lowercased); when none is in the lowercased text, the pattern
  cannot match, and the answer (None, [], the text unchanged...) is given without running it;
- otherwise runs an ASCII-flagged twin of the pattern, which case-folds in about half the time.
On ASCII text both give exactly what the pattern gives (the factors are necessary conditions; ASCII and Unicode
matching differ only on non-ASCII characters, and in \\s on the four control characters \\x1c-\\x1f, which count
as not plain here). Any other text goes to the pattern itself. A pattern neither step helps is left as it is.
"""
from __future__ import annotations

import re
from functools import lru_cache
from re import _constants as C  # noqa: N812 (the parser's opcodes)
from re import _parser

MAX_STRINGS = 64      # a run of literals is followed through at most this many alternatives
MAX_FACTORS = 1000    # a pattern with more factors than this is not prefiltered
MIN_FACTOR = 3        # a factor as short as "?" or "is" is in nearly every text: no prefilter then
MIN_PATTERN = 120     # shorter patterns are about as fast as the check itself: left as they are
_CONTROL = re.compile(r"[\x1c-\x1f]")


@lru_cache(maxsize=1 << 12)
def _plain_lower(s: str) -> str | None:
    """The text lowercased when it is plain ASCII (where both matchings agree), else None."""
    if s.isascii() and not _CONTROL.search(s):
        return s.lower()
    return None


def _ascii_variant(code: int) -> bool:
    """Whether a non-ASCII character case-folds to or from an ASCII one ("K" Kelvin sign ~ "k", "ſ" ~ "s")."""
    c = chr(code)
    return any(x.isascii() for v in (c.lower(), c.upper(), c.casefold()) for x in v)


def _literal(code: int) -> set[str] | None:
    if code > 127 and _ascii_variant(code):
        return None
    return {chr(code).lower()}


def _cross(a: set[str], b: set[str]) -> set[str] | None:
    if len(a) * len(b) > MAX_STRINGS:
        return None
    return {x + y for x in a for y in b}


def _best(cands: list[set[str]]) -> set[str] | None:
    """The most selective candidate factor set: longest shortest string, then fewest strings."""
    ok = [c for c in cands if c and "" not in c]
    if not ok:
        return None
    return max(ok, key=lambda c: (min(len(x) for x in c), -len(c)))


def _seq(items) -> tuple[set[str] | None, set[str] | None]:
    """(exact, need) of a sequence: the strings it matches exactly when finitely few, and a set of strings of
    which any match contains at least one (None: unknown)."""
    run: set[str] | None = {""}
    broken = False
    cands: list[set[str]] = []
    for op, av in items:
        exact, need = _node(op, av)
        if exact is not None:
            nxt = _cross(run, exact)
            if nxt is None:  # too many alternatives: the run so far is a factor; start again from this item
                cands.append(run)
                broken = True
                nxt = exact
            run = nxt
            continue
        cands.append(run)
        if need is not None:
            cands.append(need)
        run, broken = {""}, True
    cands.append(run)
    return (None if broken else run), _best(cands)


def _node(op, av) -> tuple[set[str] | None, set[str] | None]:
    if op is C.LITERAL:
        e = _literal(av)
        return e, e
    if op is C.IN:
        if len(av) <= 4 and all(o is C.LITERAL for o, _ in av):
            out: set[str] = set()
            for _, code in av:
                e = _literal(code)
                if e is None:
                    return None, None
                out |= e
            return out, out
        return None, None
    if op in (C.AT, C.ASSERT, C.ASSERT_NOT):
        return {""}, None  # zero-width: the text around it is adjacent
    if op is C.SUBPATTERN:
        return _seq(av[3])
    if op is C.ATOMIC_GROUP:
        return _seq(av)
    if op is C.BRANCH:
        parts = [_seq(b) for b in av[1]]
        exact: set[str] | None = set()
        for e, _ in parts:
            if e is None or exact is None or len(exact) + len(e) > MAX_STRINGS:
                exact = None
            else:
                exact |= e
        needs = [(e if e is not None and "" not in e else n) for e, n in parts]
        need = None if any(n is None or "" in n for n in needs) else set().union(*needs)
        return exact, need
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
        lo, hi, sub = av
        e, n = _seq(sub)
        if lo == 0:
            return ((e | {""}) if (e is not None and hi == 1) else None), None
        if lo == hi == 1:
            return e, n
        if e is not None and "" not in e:
            return None, e
        return None, n
    return None, None


def factors(pattern: str, flags: int = 0) -> tuple[str, ...] | None:
    """Lowercased strings of which every match of the pattern contains one; None when none can be told."""
    try:
        _, need = _seq(_parser.parse(pattern, flags).data)
    except Exception:  # noqa: BLE001 - a pattern the parser reads differently: no prefilter, never a wrong one
        return None
    if not need or "" in need:
        return None
    # "sorry" in the text already passes for "so sorry": keep only the strings holding no other
    kept = sorted(need, key=len)
    out: list[str] = []
    for s in kept:
        if not any(k in s for k in out):
            out.append(s)
    if len(out) > MAX_FACTORS or len(out[0]) < MIN_FACTOR:
        return None
    return tuple(out)


def _twin_safe(tree) -> bool:
    """No literal or range in the pattern folds between a non-ASCII and an ASCII character."""
    for op, av in tree:
        if op in (C.LITERAL, C.NOT_LITERAL):
            if av > 127 and _ascii_variant(av):
                return False
        elif op is C.RANGE:
            lo, hi = av
            if hi > 127:
                if hi - lo > 70000 or any(_ascii_variant(c) for c in range(max(lo, 128), hi + 1)):
                    return False
        elif op is C.IN:
            if not _twin_safe(av):
                return False
        elif op is C.SUBPATTERN:
            if not _twin_safe(av[3]):
                return False
        elif op is C.BRANCH:
            if not all(_twin_safe(b) for b in av[1]):
                return False
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            if not _twin_safe(av[2]):
                return False
        elif op in (C.ASSERT, C.ASSERT_NOT):
            if not _twin_safe(av[1]):
                return False
        elif op is C.ATOMIC_GROUP:
            if not _twin_safe(av):
                return False
        elif op is C.GROUPREF_EXISTS:
            if not _twin_safe(av[1]) or (av[2] is not None and not _twin_safe(av[2])):
                return False
    return True


def _twin(rx: re.Pattern) -> re.Pattern | None:
    if rx.flags & re.ASCII or not isinstance(rx.pattern, str):
        return None
    try:
        if not _twin_safe(_parser.parse(rx.pattern, rx.flags).data):
            return None
        return re.compile(rx.pattern, (rx.flags & ~re.UNICODE) | re.ASCII)
    except Exception:  # noqa: BLE001 - e.g. a (?u) inside: keep the pattern as it is
        return None


def _trie(words: tuple[str, ...]) -> re.Pattern:
    """One regex finding any of the words, as a trie ("i'll|i'm" -> "i'(?:ll|m)"): a step per character, not per word.
    The words hold no word that is a prefix of another (factors() keeps only the shortest)."""
    root: dict = {}
    for w in words:
        d = root
        for c in w:
            d = d.setdefault(c, {})

    def build(d: dict) -> str:
        alts = [re.escape(c) + build(d[c]) for c in sorted(d)]
        return "" if not alts else alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
    return re.compile(build(root))


class Fast:
    """A compiled pattern with a literal prefilter and an ASCII twin for plain ASCII text (see the module)."""
    __slots__ = ("rx", "twin", "need")

    def __init__(self, rx: re.Pattern, twin: re.Pattern | None, need: tuple[str, ...] | None):
        self.rx, self.twin = rx, twin
        self.need = _trie(need) if need else None

    def _pick(self, s) -> re.Pattern | None:
        """The pattern to run on s, or None when s cannot match."""
        low = _plain_lower(s) if type(s) is str else None
        if low is None:
            return self.rx
        if self.need is not None and self.need.search(low) is None:
            return None
        return self.twin or self.rx

    def search(self, string, *args):  # the most used: _pick inlined
        low = _plain_lower(string) if type(string) is str else None
        if low is None:
            return self.rx.search(string, *args)
        if self.need is not None and self.need.search(low) is None:
            return None
        return (self.twin or self.rx).search(string, *args)

    def match(self, string, *args):
        rx = self._pick(string)
        return rx.match(string, *args) if rx is not None else None

    def fullmatch(self, string, *args):
        rx = self._pick(string)
        return rx.fullmatch(string, *args) if rx is not None else None

    def findall(self, string, *args):
        rx = self._pick(string)
        return rx.findall(string, *args) if rx is not None else []

    def finditer(self, string, *args):
        rx = self._pick(string)
        return rx.finditer(string, *args) if rx is not None else iter(())

    def split(self, string, maxsplit=0):
        rx = self._pick(string)
        return rx.split(string, maxsplit) if rx is not None else [string]

    def sub(self, repl, string, count=0):
        rx = self._pick(string)
        return rx.sub(repl, string, count) if rx is not None else string

    def subn(self, repl, string, count=0):
        rx = self._pick(string)
        return rx.subn(repl, string, count) if rx is not None else (string, 0)

    def __getattr__(self, name):  # pattern, flags, groups, groupindex...
        return getattr(self.rx, name)

    def __repr__(self) -> str:
        return f"Fast({self.rx!r})"


def fast(rx):
    """rx as a Fast pattern when a prefilter or a twin helps, else rx itself."""
    if not isinstance(rx, re.Pattern) or not isinstance(rx.pattern, str) or len(rx.pattern) < MIN_PATTERN:
        return rx
    need = factors(rx.pattern, rx.flags)
    twin = _twin(rx)
    if need is None and twin is None:
        return rx
    return Fast(rx, twin, need)


def speed_up(namespace: dict, keep: frozenset[str] | set[str] = frozenset()) -> None:
    """Every compiled pattern of a module's namespace, and those in its dicts of patterns and its tuples of
    (name, pattern) pairs, replaced by fast(pattern). `keep`: names left as they are (a pattern the module
    compares a match's `.re` with by identity: a Fast pattern's matches come from the pattern or its twin)."""
    for k, v in list(namespace.items()):
        if k in keep:
            continue
        if isinstance(v, re.Pattern):
            namespace[k] = fast(v)
        elif isinstance(v, dict) and v and all(isinstance(x, re.Pattern) for x in v.values()):
            for kk in list(v):
                v[kk] = fast(v[kk])
        elif isinstance(v, tuple) and v and all(isinstance(x, tuple) and len(x) == 2 and isinstance(x[1], re.Pattern)
                                                 for x in v):
            namespace[k] = tuple((a, fast(b)) for a, b in v)
