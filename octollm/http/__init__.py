"""HTTP plumbing shared by every OctoLLM service: the spec-driven app and its middleware."""
