"""Parsing and handling of every slash command, free of Slack transport.

Importing this package registers every command; `commands.dispatch.handle` runs one.
"""

from commands import action, decision, digest, program, pulse, risk

__all__ = ["action", "decision", "digest", "program", "pulse", "risk"]
