"""Use cases. Each takes the container and validated input, and returns plain data for the response."""
