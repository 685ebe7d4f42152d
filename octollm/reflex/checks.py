"""`POST /check`: detection plus a cache lookup, and the decision."""

from __future__ import annotations

import hashlib
import time
import unicodedata
from typing import Any

from prometheus_client import Counter

from octollm.http import request_id
from octollm.reflex.cache.service import CacheService
from octollm.reflex.counters import CheckCounters
from octollm.reflex.detection import DetectionEngine
from octollm.reflex.detection.redact import redact as redacted
from octollm.reflex.policy import Policy


def cache_key(text: str) -> str:
    """`sha256:` + hex SHA-256 of the UTF-8 bytes of the NFC-normalised text (see the spec)."""
    normalised = unicodedata.normalize("NFC", text)
    return "sha256:" + hashlib.sha256(normalised.encode("utf-8")).hexdigest()


class CheckService:
    def __init__(
        self,
        engine: DetectionEngine,
        cache: CacheService,
        counters: CheckCounters,
        decisions: Counter,
        policy: Policy | None = None,
    ) -> None:
        self.engine = engine
        self.cache = cache
        self.counters = counters
        self.decisions = decisions
        self.policy = policy or Policy()

    async def run(
        self,
        text: str,
        check_pii: bool,
        check_injection: bool,
        use_cache: bool,
        redact: bool = False,
    ) -> dict[str, Any]:
        started = time.perf_counter()
        key = cache_key(text)
        entry = await self.cache.lookup(key) if use_cache else None
        scan = self.engine.scan(text, pii=check_pii, injection=check_injection)
        blocked = self.policy.decide(scan) == "block"
        self.decisions.labels("block" if blocked else "allow").inc()
        await self.counters.add(
            total=1,
            blocked=int(blocked),
            pii_detected=int(bool(scan.pii)),
            injection_detected=int(bool(scan.injections)),
            cache_hits=int(entry is not None),
        )
        return {
            "request_id": request_id.current(),
            "decision": "block" if blocked else "allow",
            "cache_key": key,
            "cache_hit": entry is not None,
            "cached_value": entry.value if entry is not None else None,
            "pii_detected": bool(scan.pii),
            "pii_matches": [m.to_dict() for m in scan.pii],
            "injection_detected": bool(scan.injections),
            "injection_matches": [m.to_dict() for m in scan.injections],
            "redacted_text": redacted(text, scan.pii) if self.policy.redacts(redact) else None,
            "processing_time_ms": round((time.perf_counter() - started) * 1000, 3),
        }
