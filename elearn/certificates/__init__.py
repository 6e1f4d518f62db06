"""Certificates: the signed declaration of receipt, its PDF and its verification."""
