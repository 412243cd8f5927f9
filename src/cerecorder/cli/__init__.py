"""cerecorder-admin: the command line school IT scripts. Its interface is stable."""
