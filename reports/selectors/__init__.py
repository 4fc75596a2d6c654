"""Reads that summarise work, scoped to what a user may see."""
