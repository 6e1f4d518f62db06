"""The audit log: who did what, security-wise, and from where."""
