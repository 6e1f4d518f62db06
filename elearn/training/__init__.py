"""Lessons, practice and the final assessment."""
