"""Record model, rules and the indicator taxonomy. Pure Python: no I/O but taxonomy data."""
