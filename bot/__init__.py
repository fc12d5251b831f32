"""Pulse's Slack side: the Bolt app, its wiring, the scheduler and the `pulse` CLI."""

__version__ = "0.1.0"
