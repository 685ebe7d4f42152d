"""Scanner backends: run a set of rules over a text, with identical results.

Both return, for every rule of the requested kinds, the matches `rule.regex.finditer(text)`
yields (over the text with ASCII letters lower-cased for a `lowercase` rule), in order, at
most `max_matches` (`HyperscanScanner` lowers the text only where it runs a `lowercase`
rule). `ReScanner` does exactly that. `HyperscanScanner` first runs every rule at once with
Hyperscan, then runs `re` only where Hyperscan says a rule can match:

- a rule without an anchor is compiled with its boundaries consumed, so Hyperscan reports an
  end at (or one past) the end of every `re` match. A match is at most `width` characters long,
  so every match lies in a window `[end - width - 1, end]` of some reported end (which starts
  after the last space, newline or punctuation mark before `end - 1` that the rule's matches
  cannot hold: `Rule.unspanned`). Overlapping
  windows are merged into clusters; `finditer` from a cluster's start (lookbehinds and `\\b`
  still see the text before it) with the text cut `width + lookahead + 1` past the cluster's
  end gives exactly the matches `finditer` over the whole text gives in that cluster: no match
  can cross a cluster's edge, and a match the cut could invent would have to start after it.
  Cut `lookahead + 1` past it, it gives them too, or a match that ends after the cluster's
  last reported end: every match of the cluster ends there at the latest (its event is in
  the cluster), and a match the cut changes would have had to look at the cut, so ends after
  that end; then the cluster is searched again with the longer cut. (The long cut has
  `finditer` try every position up to a window's width past the cluster, where no match of
  the cluster starts.)
- a rule with an anchor gets the start of every place the anchor matches (Hyperscan's
  leftmost start of match); `re` can only match at those (or one character after), so trying
  `regex.match` at each candidate in order, skipping those inside the last match, is
  `finditer` without the search in between. An anchor that is a run of one character class
  (`rules.Run`) is not in the database: `_run_starts` (`Events.add_runs` in C) finds where
  each run starts, a pass over the bytes, which is where its pattern's leftmost start is or
  one byte after.

Hyperscan sees the text as UTF-8; its byte offsets are turned back into code-point offsets.

With the compiled kernels (`_native.c`, when built), the events are kept in C, and the planning
(positions by rule, code points, windows and their clusters, candidate starts) and the loops
of the confirmation are C; `re` itself confirms, on the same plans, as in the Python path.
"""

from __future__ import annotations

import array
import functools
import hashlib
import json
import os
import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from octollm.reflex.detection.normalize import NATIVE, lower_ascii
from octollm.reflex.detection.rules import Rule, Run
from octollm.reflex.detection.selftest import SELFTEST_VERSION, unreliable

if NATIVE:
    from octollm.reflex.detection import _native  # type: ignore[attr-defined]

Matches = list[tuple[Rule, list[re.Match[str]]]]
_CONTINUATION_BYTES = bytes(range(0x80, 0xC0))


class Scanner(Protocol):
    name: str

    def scan(
        self,
        text: str,
        kinds: frozenset[str],
        data: bytes | None = None,
        native: bool | None = None,
    ) -> Matches: ...


class _Texts:
    """The text a rule runs on: the folded text, or it lower-cased (computed once)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._lowered: str | None = None

    def of(self, rule: Rule) -> str:
        return self.of_case(rule.lowercase)

    def of_case(self, lowercase: bool) -> str:
        if not lowercase:
            return self.text
        if self._lowered is None:
            self._lowered = lower_ascii(self.text)
        return self._lowered


class ReScanner:
    """The reference: each rule's `finditer` over the whole text."""

    name = "re"

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = tuple(rules)

    def scan(
        self,
        text: str,
        kinds: frozenset[str],
        data: bytes | None = None,
        native: bool | None = None,
    ) -> Matches:
        texts = _Texts(text)
        found: Matches = []
        for rule in self.rules:
            if rule.kind not in kinds:
                continue
            matches: list[re.Match[str]] = []
            for m in rule.regex.finditer(texts.of(rule)):
                matches.append(m)
                if rule.max_matches is not None and len(matches) >= rule.max_matches:
                    break
            if matches:
                found.append((rule, matches))
        return found


def hyperscan_available() -> bool:
    try:
        import hyperscan  # noqa: F401
    except ImportError:
        return False
    return True


def default_cache_dir() -> Path:
    """Where compiled Hyperscan databases are kept: `$XDG_CACHE_HOME/octollm`."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "octollm"


class _Database:
    """Rules compiled together into one Hyperscan database."""

    def __init__(self, hyperscan: Any, rules: list[Rule], cache_dir: Path | None):
        self.hs = hyperscan
        flags = []
        for rule in rules:
            f = hyperscan.HS_FLAG_MULTILINE
            # A `lowercase` rule runs on the text as it is, ignoring ASCII case: the same matches
            # as on the lower-cased text (Hyperscan folds ASCII letters only), without lowering it.
            if rule.caseless or rule.lowercase:
                f |= hyperscan.HS_FLAG_CASELESS
            if rule.anchor is not None:
                f |= hyperscan.HS_FLAG_SOM_LEFTMOST
            flags.append(f)
        expressions = [rule.expression for rule in rules]
        digest = hashlib.sha256(
            repr((hyperscan.__version__, SELFTEST_VERSION, expressions, flags)).encode()
        ).hexdigest()[:32]
        path = cache_dir / f"rules-{digest}.hsdb" if cache_dir is not None else None
        self.db = self._load(path) if path is not None else None
        self._local = threading.local()
        verdict = self._load_verdict(path) if self.db is not None and path is not None else None
        if self.db is None:
            self.db = hyperscan.Database()
            self.db.compile(expressions=expressions, ids=list(range(len(rules))), flags=flags)
        if verdict is None:
            verdict = sorted(unreliable(rules, self._events))
            if path is not None:
                self._store(path, verdict)
        # Rules Hyperscan does not find as `re` does (see selftest.py).
        self.unreliable = frozenset(verdict)

    def _load(self, path: Path) -> Any:
        try:
            return self.hs.loadb(path.read_bytes(), self.hs.HS_MODE_BLOCK)
        except (OSError, self.hs.error):
            return None

    @staticmethod
    def _load_verdict(path: Path) -> list[int] | None:
        try:
            return list(json.loads(path.with_suffix(".json").read_text())["unreliable"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _store(self, path: Path, verdict: list[int]) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            for target, content in (
                (path, self.hs.dumpb(self.db)),
                (path.with_suffix(".json"), json.dumps({"unreliable": verdict}).encode()),
            ):
                partial = target.with_suffix(f".{os.getpid()}.partial")
                partial.write_bytes(content)
                partial.replace(target)
        except OSError:
            pass  # no cache then: the next process compiles again

    def _events(self, data: bytes) -> list[tuple[int, int, int]]:
        events: list[tuple[int, int, int]] = []
        self.scan(data, events, 0)
        return events

    def scratch(self) -> Any:
        """This thread's scratch space for the database."""
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            scratch = self._local.scratch = self.hs.Scratch(self.db)
        return scratch

    def scan(self, data: bytes, events: list[tuple[int, int, int]], offset: int) -> None:
        """Appends (rule index + `offset`, start, end) of every event in UTF-8 `data`."""
        scratch = self.scratch()
        append = events.append
        if offset:
            handler = lambda i, start, end, _flags, _ctx: append((i + offset, start, end))  # noqa: E731
        else:
            handler = lambda i, start, end, _flags, _ctx: append((i, start, end))  # noqa: E731
        self.db.scan(data, match_event_handler=handler, scratch=scratch)


class HyperscanScanner:
    """Hyperscan finds where each rule can match; `re` confirms there (see the module doc).

    Every rule is compiled into one database, scanned once over the text (more databases cost
    a pass each, and a Python call each, which is most of the time of a short text), but for
    those whose anchor is a `Run`, found by a pass over the bytes. The
    database is tested against `re` once (selftest.py): rules it misses next to the others are
    compiled again apart, and a rule it misses even alone is run with `re` over the whole
    text. Compiling takes seconds: a compiled database (and its test's verdict) is kept in
    `cache_dir` under a hash of its expressions, flags and the Hyperscan version, and loaded
    from there next time (one that fails to load is compiled again). `cache_dir=None`: no
    cache."""

    name = "hyperscan"

    def __init__(self, rules: Sequence[Rule], cache_dir: Path | None = None) -> None:
        import hyperscan

        self.rules = tuple(rules)
        self._databases: list[tuple[_Database, int]] = []
        self._by_event: list[Rule] = []  # a database's event ids plus its offset index this
        self.unreliable: list[Rule] = []
        groups = [[rule for rule in self.rules if rule.run is None]]
        while groups:
            group = groups.pop(0)
            database = _Database(hyperscan, group, cache_dir)
            missed = [group[i] for i in sorted(database.unreliable)]
            if not missed:
                self._databases.append((database, len(self._by_event)))
                self._by_event.extend(group)
            elif len(group) == 1:
                self.unreliable.extend(group)
            else:
                rest = [rule for rule in group if rule not in missed]
                groups.extend([rest] if rest else [])
                groups.extend([rule] for rule in missed)
        # Rules whose anchor is a run (`rules.Run`): their events come from a pass over the
        # bytes, after the databases' (event ids from here on).
        runs = [rule for rule in self.rules if rule.run is not None]
        self._runs = [(len(self._by_event) + i, rule.run) for i, rule in enumerate(runs)]
        self._by_event.extend(runs)
        position = {rule.name: i for i, rule in enumerate(self.rules)}
        self.unreliable.sort(key=lambda rule: position[rule.name])
        # What an event says: where an anchored rule's match starts, or where another's ends.
        self._anchored = [rule.anchor is not None for rule in self._by_event]
        # The rules as `_native.plan`, `lowered_regions` and `confirm` read them, and which
        # are wanted, by kinds.
        self._plan_rules = array.array("i", map(_plan_rule, self._by_event)).tobytes()
        self._plan_stops = b"".join(map(_plan_stops, self._by_event))
        self._reaches = array.array("i", map(_lowered_reach, self._by_event)).tobytes()
        self._confirmers = tuple(map(_confirmer, self._by_event))
        self._wanted: dict[frozenset[str], bytes] = {}
        self._local = threading.local()

    def events(self, data: bytes) -> list[tuple[int, int, int]]:
        """Hyperscan's events in UTF-8 `data`: (rule, start, end), byte offsets."""
        events: list[tuple[int, int, int]] = []
        for database, offset in self._databases:
            database.scan(data, events, offset)
        for index, run in self._runs:
            events.extend((index, start, start) for start in _run_starts(data, run))
        return events

    def native_events(self, data: bytes) -> Any:
        """`events`, kept in C (`_native.Events`, this thread's: valid until the next call)."""
        try:
            events, scans = self._local.native
        except AttributeError:  # this thread's first scan: its handler, scans and scratch
            events = _native.Events()
            scans = [(db.db.scan, db.scratch(), offset) for db, offset in self._databases]
            self._local.native = events, scans
        events.clear()
        for scan, scratch, offset in scans:
            events.offset = offset
            scan(data, match_event_handler=events, scratch=scratch)
        for index, run in self._runs:
            events.offset = index
            events.add_runs(data, run.table, run.length)
        return events

    def scan_only(self, data: bytes) -> None:
        """Hyperscan alone over UTF-8 `data`, events dropped in C (no Python call per event),
        and the runs found: the floor of a check's time, for benchmarks."""
        for database, _ in self._databases:
            database.db.scan(data, match_event_handler=None, scratch=database.scratch())
        for _, run in self._runs:
            if NATIVE:
                _native.Events().add_runs(data, run.table, run.length)
            else:
                _run_starts(data, run)

    def scan(
        self,
        text: str,
        kinds: frozenset[str],
        data: bytes | None = None,
        native: bool | None = None,
    ) -> Matches:
        """The matches of the rules of `kinds` (`data`: the text in UTF-8, if at hand;
        `native`: whether to plan with the compiled kernels, None: when they are built)."""
        if NATIVE if native is None else native:
            if not NATIVE:
                raise ValueError("the compiled detection kernels are not built")
            return self._scan_native(text, kinds, _native.utf8(text) if data is None else data)
        if data is None:
            data = text.encode("utf-8", "surrogatepass")
        events = self.events(data)
        found: Matches = []
        if events:
            anchored = self._anchored
            by_rule: dict[int, list[int]] = {}
            for index, start, end in events:
                at = start if anchored[index] else end
                if index in by_rule:
                    by_rule[index].append(at)
                else:
                    by_rule[index] = [at]
            if len(data) != len(text):
                to_cp = _to_code_points(data, {at for ats in by_rule.values() for at in ats})
                by_rule = {index: [to_cp[at] for at in ats] for index, ats in by_rule.items()}
            # Where to run `re`: clusters of windows, or candidate starts (see the module doc).
            plans: list[tuple[Rule, list[int]]] = []
            by_event = self._by_event
            for index in sorted(by_rule):
                rule = by_event[index]
                if rule.kind not in kinds:
                    continue
                if rule.anchor is None:
                    plans.append((rule, _clusters(rule, text, by_rule[index])))
                else:
                    starts = sorted({s for start in by_rule[index] for s in (start, start + 1)})
                    plans.append((rule, starts))
            found = _confirm(text, plans)
        return self._add_unreliable(text, kinds, found)

    def _scan_native(self, text: str, kinds: frozenset[str], data: bytes) -> Matches:
        events = self.native_events(data)
        found: Matches = []
        if len(events):
            wanted = self._wanted.get(kinds)
            if wanted is None:
                wanted = self._wanted[kinds] = bytes(r.kind in kinds for r in self._by_event)
            plans = _native.plan(events, data, text, self._plan_rules, wanted, self._plan_stops)
            regions = _native.lowered_regions(plans, self._reaches)
            lowered = _native.lowered(text, regions) if regions else text
            found = _native.confirm(plans, text, lowered, self._confirmers)
        return self._add_unreliable(text, kinds, found) if self.unreliable else found

    def _add_unreliable(self, text: str, kinds: frozenset[str], found: Matches) -> Matches:
        for rule in self.unreliable:
            if rule.kind in kinds and (matches := _everywhere(rule, _Texts(text).of(rule))):
                found.append((rule, matches))
        return found


# `_native.plan`'s description of a rule (see _native.c).
_PLAN_WINDOW = 0x00FFFFFF
_PLAN_ANCHORED = 0x01000000


def _plan_rule(rule: Rule) -> int:
    if rule.anchor is not None:
        return _PLAN_ANCHORED
    assert rule.width + 1 <= _PLAN_WINDOW
    return rule.width + 1


def _plan_stops(rule: Rule) -> bytes:
    """`_native.plan`'s `unspanned` characters of a rule: a bitmap of ASCII (16 bytes)."""
    bits = bytearray(16)
    for ch in rule.unspanned if rule.anchor is None else "":
        bits[ord(ch) >> 3] |= 1 << (ord(ch) & 7)
    return bytes(bits)


def _lowered_reach(rule: Rule) -> int:
    """`_native.lowered_regions`' description of a rule (see _native.c)."""
    if not rule.lowercase:
        return 0
    reach = rule.width + rule.lookahead + 1
    return -reach if rule.anchor is not None else reach


def _confirmer(rule: Rule) -> tuple[Rule, Any, bool, bool, int, int, int]:
    """`_native.confirm`'s description of a rule (see _native.c, `_confirm_windows`)."""
    anchored = rule.anchor is not None
    tight = rule.lookahead + 1
    return (
        rule,
        rule.regex.match if anchored else rule.regex.finditer,
        anchored,
        rule.lowercase,
        tight,
        rule.width + tight,
        -1 if rule.max_matches is None else rule.max_matches,
    )


@functools.cache
def _last_of(chars: str) -> re.Pattern[str]:
    """Finds the last of `chars` before `endpos` (searched from where it may be)."""
    escaped = "".join(f"\\x{ord(ch):02x}" for ch in chars)
    return re.compile(f"[{escaped}][^{escaped}]*\\Z")


def _confirm(text: str, plans: list[tuple[Rule, list[int]]]) -> Matches:
    """The matches of each rule where its plan says (`_clusters`, or candidate starts)."""
    lowered_regions: list[tuple[int, int]] = []
    for rule, plan in plans:
        if rule.lowercase:
            reach = rule.width + rule.lookahead + 1
            if rule.anchor is None:
                lowered_regions.extend(
                    (plan[i], plan[i + 1] + reach) for i in range(0, len(plan), 2)
                )
            else:
                lowered_regions.append((plan[0], plan[-1] + reach))
    # A `lowercase` rule runs over the text with its ASCII letters lower-cased: only where it
    # runs, the rest as it is (so offsets and lookbehinds are unchanged).
    lowered = _lowered_in(text, lowered_regions) if lowered_regions else text
    found: Matches = []
    for rule, plan in plans:
        target = lowered if rule.lowercase else text
        if rule.anchor is None:
            matches = _confirm_windows(rule, target, plan)
        else:
            matches = _confirm_anchors(rule, target, plan)
        if matches:
            found.append((rule, matches))
    return found


def _run_starts(data: bytes, run: Run) -> list[int]:
    """Where each run of at least `run.length` bytes of the class starts in UTF-8 `data`:
    where a match of the rule can start (its anchor, `run.pattern`, matches there or one byte
    before); `Events.add_runs` in C. A search from a byte outside the class (or from 0) finds
    the start of a run: had the run started before, the search would have found it there."""
    marks = data.translate(run.table)
    needle = b"\x01" * run.length
    starts = []
    at = marks.find(needle)
    while at >= 0:
        starts.append(at)
        after = marks.find(b"\x00", at + run.length)
        if after < 0:
            break
        at = marks.find(needle, after)
    return starts


def _to_code_points(data: bytes, offsets: set[int]) -> dict[int, int]:
    """Byte offsets into UTF-8 `data` as code-point offsets (an offset inside a character
    counts that character)."""
    to_cp: dict[int, int] = {}
    last_byte = last_cp = 0
    for b in sorted(offsets):
        last_cp += len(data[last_byte:b].translate(None, _CONTINUATION_BYTES))
        last_byte = b
        to_cp[b] = last_cp
    return to_cp


def _everywhere(rule: Rule, text: str) -> list[re.Match[str]]:
    """`re` over the whole text, for a rule Hyperscan does not find reliably."""
    matches: list[re.Match[str]] = []
    for m in rule.regex.finditer(text):
        matches.append(m)
        if rule.max_matches is not None and len(matches) >= rule.max_matches:
            break
    return matches


def _lowered_in(text: str, regions: list[tuple[int, int]]) -> str:
    """`text` with its ASCII letters lower-cased in the regions (and the character before
    each, which a lookbehind sees)."""
    pieces: list[str] = []
    last = 0
    for lo, hi in sorted(regions):
        lo = max(lo - 1, last)
        if hi <= lo:
            continue
        pieces.append(text[last:lo])
        pieces.append(lower_ascii(text[lo:hi]))
        last = hi
    pieces.append(text[last:])
    return "".join(pieces)


def _clusters(rule: Rule, text: str, ends: list[int]) -> list[int]:
    """The windows of the reported ends, merged where they overlap: start, last end, start,
    last end, ... (flat)."""
    back = rule.width + 1
    last_stop = _last_of(rule.unspanned).search if rule.unspanned else None
    clusters: list[int] = []
    last = -1
    for end in sorted(set(ends)):  # window starts never decrease as their ends increase
        lo = end - back if end > back else 0
        # the match starts after the last character it cannot hold (it can end at `end - 1`)
        if last_stop is not None and (stop := last_stop(text, lo, end - 1)) is not None:
            lo = stop.start() + 1
        if clusters and lo <= last:  # overlaps the cluster before: extend it
            clusters[-1] = last = end
        else:
            clusters += (lo, end)
            last = end
    return clusters


def _confirm_windows(rule: Rule, text: str, clusters: list[int]) -> list[re.Match[str]]:
    """`finditer` in each cluster, the text cut just past its last reported end (see the module
    doc: every match of a cluster ends there at the latest); a match the cut could change
    ends after it, and then the cluster is searched again, the text cut where no match
    starting in the cluster can reach. (The matches before such a one are the right ones:
    the search stops once it has `max_matches`.)"""
    n = len(text)
    tight = rule.lookahead + 1
    reach = rule.width + tight
    most = rule.max_matches
    matches: list[re.Match[str]] = []
    finditer = rule.regex.finditer
    for i in range(0, len(clusters), 2):
        lo, hi = clusters[i], clusters[i + 1]
        room = -1 if most is None else most - len(matches)
        cluster: list[re.Match[str]] = []
        for m in finditer(text, lo, min(n, hi + tight)):
            if m.start() > hi:
                break
            if m.end() > hi:  # the cut may have made it: again, uncut
                cluster = []
                for m in finditer(text, lo, min(n, hi + reach)):
                    if m.start() > hi or len(cluster) == room:
                        break
                    cluster.append(m)
                break
            cluster.append(m)
            if len(cluster) == room:
                break
        matches += cluster
        if len(cluster) == room:
            return matches
    return matches


def _confirm_anchors(rule: Rule, text: str, candidates: list[int]) -> list[re.Match[str]]:
    matches: list[re.Match[str]] = []
    match = rule.regex.match
    position = 0
    for start in candidates:
        if start < position:
            continue
        m = match(text, start)
        if m is None:
            continue
        matches.append(m)
        if rule.max_matches is not None and len(matches) >= rule.max_matches:
            break
        position = m.end() if m.end() > m.start() else m.start() + 1
    return matches
