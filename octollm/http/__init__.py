"""HTTP plumbing shared by every OctoLLM service: the spec-driven connexion app and its middleware."""
