"""Handlers for specs/arm.yaml."""
