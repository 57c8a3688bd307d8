"""Hostile input against the served APIs: schemathesis over each OpenAPI document (`make fuzz`)."""
