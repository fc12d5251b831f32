"""The domain core: Pulse's rules and the use cases that change its data.

Nothing here knows Slack, Jinja or the slash grammar, and nothing here is worded for people:
use cases take typed inputs, write through `store/` (with an audit row in the same transaction)
and return `domain.messages.Reply` values that name a template and its context.
"""
