"""Packaged gazetteer data (CSV); see SOURCE.md for where it comes from."""
