"""The Orchestrator: accepts tasks, screens them through the Reflex Layer, tracks them."""
