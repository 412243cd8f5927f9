"""CE Recorder: an offline, encrypted safeguarding concern recorder for schools."""

from cerecorder import _version

#: The one version: pyproject.toml's, read back from the installed package's metadata (the
#: frozen bundle carries a copy of it: copy_metadata in packaging/cerecorder.spec).
__version__ = _version.version()
