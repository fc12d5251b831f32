"""Everything time produces (digests, reminders, escalations), computed by one idempotent step."""
