"""`make demo`: a working day in the lobby on the local stack (`run`), from synthetic lobby clips (`lobby`)."""
