"""Bolt listeners, one module per kind (commands, actions, events); `register(app, ...)` wires them all."""
