"""The headteacher's console: the roster, adding staff, certificates."""
