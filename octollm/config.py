"""Settings, read once from `OCTOLLM_*` environment variables (each documented in README)."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from pathlib import Path

# octollm/specs is a link to the top-level specs/ (and a copy inside a wheel).
SPECS_DIR = (Path(__file__).parent / "specs").resolve()


def _env_bool(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"not a boolean: {value!r}")


@dataclasses.dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    orchestrator_port: int = 8000
    reflex_port: int = 8001
    specs_dir: Path = SPECS_DIR
    data_dir: Path = Path(".octollm")
    sqlite_synchronous: str = "FULL"
    reflex_url: str = "http://127.0.0.1:8001/api/v1"
    reflex_timeout_seconds: float = 2.0
    reflex_token: str = ""
    max_body_bytes: int = 1_048_576
    request_timeout_seconds: float = 30.0
    max_json_depth: int = 64
    max_header_bytes: int = 16_384
    request_read_timeout_seconds: float = 10.0
    cache_max_entries: int = 100_000
    cache_max_bytes: int = 256 * 1024 * 1024
    reflex_detection_backend: str = "auto"
    reflex_block_severities: str = "high,critical"
    reflex_pii_action: str = "report"
    redis_url: str = ""
    redis_prefix: str = "octollm"
    redis_timeout_seconds: float = 0.5
    arms_file: str = ""
    worker_concurrency: int = 8
    queue_visibility_timeout_seconds: float = 30.0
    retry_attempts: int = 3
    retry_base_seconds: float = 0.2
    retry_max_seconds: float = 2.0
    circuit_failure_threshold: int = 5
    circuit_reset_seconds: float = 30.0
    result_cache_ttl_seconds: int = 3600
    reaper_interval_seconds: float = 1.0
    reaper_grace_seconds: float = 2.0
    validate_responses: bool = False
    log_level: str = "INFO"
    # The LLM arm (`octollm arm llm`); prices are empty when unknown (no cost enforcement).
    arm_port: int = 8002
    arm_upstream_url: str = ""
    arm_model: str = ""
    arm_id: str = "llm"
    arm_capabilities: str = "general"
    arm_max_concurrency: int = 4
    arm_api_key_env: str = ""
    arm_price_input_per_1k: str = ""
    arm_price_output_per_1k: str = ""
    # Rate limits (octollm/http/ratelimit.py): off unless OCTOLLM_RATE_LIMITS=on.
    rate_limits: bool = False
    rate_limit_per_ip: int = 100
    rate_limit_per_subject: int = 1000
    rate_limit_window_seconds: float = 60.0
    rate_limit_overrides: str = ""
    trusted_proxies: str = ""
    # Authentication (octollm/http/auth.py): off unless OCTOLLM_AUTH=jwt with one key.
    auth: str = "off"
    jwt_secret: str = dataclasses.field(default="", repr=False)
    jwt_public_key_file: str = ""
    jwt_jwks_file: str = ""
    jwt_issuer: str = ""
    jwt_audience: str = ""
    jwt_leeway_seconds: float = 30.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Settings from `OCTOLLM_<FIELD>` variables; keyword overrides win."""
        environ = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for field in dataclasses.fields(cls):
            raw = environ.get(f"OCTOLLM_{field.name.upper()}")
            if raw is None:
                continue
            kind = type(field.default)
            try:
                values[field.name] = _env_bool(raw) if kind is bool else kind(raw)
            except ValueError as exc:
                raise ValueError(f"OCTOLLM_{field.name.upper()}: {exc}") from exc
        values.update(overrides)
        return dataclasses.replace(cls(), **values)

    def spec(self, name: str) -> Path:
        return self.specs_dir / f"{name}.yaml"
