"""How far a key rotation has got (storage/rotation.py measures it): what the window's
progress bar and the command line's stderr show."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

MB = 1000 * 1000


@dataclass(frozen=True)
class RekeyProgress:
    """How far a rotation has got: `fraction` of the whole (estimated), and the bytes of
    vault.db re-encrypted so far."""

    fraction: float
    encrypted: int
    total: int

    @property
    def writing_back(self) -> bool:
        return self.encrypted >= self.total

    @property
    def sentence(self) -> str:
        if self.fraction >= 1:
            return "Done: the vault has its new key."
        if self.writing_back:
            return "Writing the re-encrypted vault into place…"
        places = 0 if self.total >= 10 * MB else 1
        return (f"Re-encrypting the vault with its new key: {self.encrypted / MB:,.{places}f} "
                f"of {self.total / MB:,.{places}f} MB")


ProgressCallback = Callable[[RekeyProgress], None]
