"""Pure rules: time in, decision out. No I/O here, so they can be tested by table."""
