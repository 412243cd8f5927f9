"""Keys: derivation, wrapping and key slots. Knows nothing of records or files."""
