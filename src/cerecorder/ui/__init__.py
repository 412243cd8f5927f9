"""The desktop app: the only code that imports PySide6. It talks to services and domain."""
