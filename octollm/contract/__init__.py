"""The contract as a product: bundled specs, generated clients, and the project's spec rules."""
