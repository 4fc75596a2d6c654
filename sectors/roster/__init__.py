"""The roster: committees, groups, members and their memberships, workstations; pages, forms,
services (writes) and selectors (reads)."""
