"""Shared-demand digests: which barriers most people share, in most places."""
