"""The two error families (after qutebrowser).

``EnvironmentProblem`` covers what the user can fix or must be told plainly (wrong
passphrase, a file that is not a vault, a vault in use, read-only folder, full disk);
its message is written for a member of school staff. Anything else is a bug.
"""


class CERecorderError(Exception):
    """Base of every error the application raises on purpose."""


class EnvironmentProblem(CERecorderError):
    """A known problem with the user's environment or input, shown as it is."""


class WrongPassphrase(EnvironmentProblem):
    def __init__(self, message: str = "Wrong passphrase or recovery key.") -> None:
        super().__init__(message)


class UnknownUser(EnvironmentProblem):
    pass


class NotAVault(EnvironmentProblem):
    """Missing, foreign or corrupt vault files."""


class VaultExists(EnvironmentProblem):
    pass


class VaultInUse(EnvironmentProblem):
    def __init__(self, message: str = "The vault is open in another window or program.") -> None:
        super().__init__(message)


class VaultBusy(EnvironmentProblem):
    def __init__(self, message: str = "The vault's key is being changed; try again when it "
                 "has finished.") -> None:
        super().__init__(message)


class VaultLocked(EnvironmentProblem):
    def __init__(self, message: str = "The vault is locked.") -> None:
        super().__init__(message)


class ReadOnlyLocation(EnvironmentProblem):
    pass


class DiskFull(EnvironmentProblem):
    pass


class NewerVault(EnvironmentProblem):
    """The vault was written by a newer CE Recorder than this one."""


class InvalidInput(EnvironmentProblem):
    """Input that breaks a record rule (a missing rationale, an unknown indicator...)."""


class PermissionDenied(CERecorderError):
    """The acting user's role does not allow this."""


class RecordImmutable(CERecorderError):
    """A submitted concern, an addendum or the audit trail was asked to change."""


class NotFound(CERecorderError):
    pass


class NoAccess(EnvironmentProblem):
    """A vault file this user may not read or write (another owner, changed permissions)."""

    def __init__(self, path: object) -> None:
        super().__init__(
            f"CE Recorder cannot read {path}: it belongs to another user or its permissions "
            "were changed. Ask IT to fix its owner."
        )


class DiskError(EnvironmentProblem):
    """The operating system failed a read or write, and the disk is not full."""

    def __init__(self, message: str = "CE Recorder could not read or write the vault file "
                 "(disk I/O error). The last change was not saved; check the disk, then "
                 "try again.") -> None:
        super().__init__(message)
