"""Handlers for specs/reflex.yaml."""
