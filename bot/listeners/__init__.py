"""Bolt listeners, one module per Slack surface; each validates its payload and dispatches to a use case."""
