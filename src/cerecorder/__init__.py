"""CE Recorder: an offline, encrypted safeguarding concern recorder for schools."""

from __future__ import annotations


def __getattr__(name: str) -> str:
    """``__version__``, read on first use: pyproject.toml's, read back from the installed
    package's metadata (the frozen bundle carries a copy of it: copy_metadata in
    packaging/cerecorder.spec). Reading the metadata costs tens of milliseconds at start."""
    if name == "__version__":
        from cerecorder import _version

        found = _version.version()
        globals()["__version__"] = found
        return found
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
