"""The analyses researchers ask of a cascade, one module each, over the service (issue 12)."""
