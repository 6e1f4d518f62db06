"""Versions of the policy: which one staff sign, and when each was published."""
