"""The members' pages (under /me/) and the staff pages that serve them (notices)."""
