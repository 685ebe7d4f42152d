"""The Reflex Layer: PII and prompt-injection screening and a key/value cache, before any LLM."""
