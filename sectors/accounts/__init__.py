"""Accounts: sign-in, two-factor, sessions and the role a session acts in."""
