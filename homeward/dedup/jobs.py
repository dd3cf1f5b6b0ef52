"""Deduplication as a background job (kind ``dedup.run``), with progress."""
