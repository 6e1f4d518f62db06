"""The trust: several schools in one instance, run by a trust administrator."""
