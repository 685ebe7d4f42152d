"""The Reflex Layer's key/value cache."""
