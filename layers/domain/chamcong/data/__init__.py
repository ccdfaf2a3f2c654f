"""Data files shipped with the domain layer, read through importlib.resources (e.g. common_passwords.txt)."""
