"""Pages anyone may see: health check, accessibility and privacy statements."""
