"""Handlers for specs/orchestrator.yaml."""
