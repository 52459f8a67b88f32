"""Admin-only pages about sources: health and preview (written by the collection work)."""
