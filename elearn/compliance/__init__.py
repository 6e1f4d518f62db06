"""Compliance: everyone's status for every policy, from the records of training and signing."""
