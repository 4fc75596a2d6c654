"""Notifications to portal users (in the portal and by e-mail)."""
