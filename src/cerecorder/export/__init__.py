"""Documents that leave the vault, rendered from the services' read models (domain only)."""
