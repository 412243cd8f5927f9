"""CE Recorder: an offline, encrypted safeguarding concern recorder for schools."""

__version__ = "0.1.0"
