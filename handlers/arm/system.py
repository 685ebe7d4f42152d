"""`system.*` operations: shared by every service."""

from handlers.system import health, metrics

__all__ = ["health", "metrics"]
