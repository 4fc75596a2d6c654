"""The audit trail: events recorded (events), read back (trail, views), and the roster's history."""
