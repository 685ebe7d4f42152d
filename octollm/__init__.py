"""OctoLLM: spec-first Orchestrator and Reflex Layer services."""

__version__ = "0.1.0"
