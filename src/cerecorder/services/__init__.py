"""Use cases: plain functions over a unit of work, the acting user and a clock."""
