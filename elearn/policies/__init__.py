"""Policies: the school's library of policies, each with its own rules and course."""
