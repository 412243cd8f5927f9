"""Events that happen while the vault cannot be written: failed unlocks, read-only opens.

They wait in unlock-events.json (user names, times and event names; never record
content) and are moved into the hash-chained audit at the next unlock that can write.
The same file drives the back-off after repeated wrong passphrases.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cerecorder.domain.errors import NoAccess
from cerecorder.domain.timefmt import from_utc_text, to_utc_text
from cerecorder.storage.fileio import atomic_write, os_errors_explained

FILE_NAME = "unlock-events.json"


@dataclass(frozen=True)
class OutsideEvent:
    at: datetime
    action: str
    user_name: str
    #: already copied into the audit; kept only to count towards the back-off
    audited: bool = False


class OutsideLog:
    def __init__(self, folder: Path) -> None:
        self._path = folder / FILE_NAME

    def read(self) -> list[OutsideEvent]:
        try:
            data = json.loads(self._path.read_bytes())
            events = [OutsideEvent(from_utc_text(e["at"]), e["action"], e["user"],
                                   bool(e.get("audited", False))) for e in data]
        except FileNotFoundError:
            return []
        except PermissionError as exc:  # left root's by a tool IT ran as root
            raise NoAccess(self._path) from exc
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
            return []  # a damaged file must never stop an unlock; its events are lost
        if not all(isinstance(e.action, str) and isinstance(e.user_name, str) for e in events):
            return []
        return events

    def append(self, event: OutsideEvent) -> None:
        self.replace([*self.read(), event][-1000:])

    def replace(self, events: list[OutsideEvent]) -> None:
        if not events:
            with os_errors_explained(self._path.parent):
                self._path.unlink(missing_ok=True)
            return
        payload = [{"at": to_utc_text(e.at), "action": e.action, "user": e.user_name,
                    "audited": e.audited} for e in events]
        atomic_write(self._path, json.dumps(payload).encode("utf-8"))
