"""The clock: everything time produces (digests, reminders, escalations), planned and delivered each tick."""
