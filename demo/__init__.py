"""Fictional demo data (seed.demo_seed), the layer above sectors, activities and reports."""
