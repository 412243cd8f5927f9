"""The vault's signing keys that were retired (migration 19), and the staff laptop keys
the DSL's vault followed to their successors (services/key_succession.py,
services/laptop_succession.py). The signing key itself stays with the packets'
repository."""

from __future__ import annotations

from datetime import datetime

from cerecorder.domain.timefmt import from_utc_text, to_utc_text
from cerecorder.storage.repositories import _Repository


class KeyHistoryRepository(_Repository):
    def replace_signing_key(self, secret: str, verify_key: str, succession: str,
                            now: datetime) -> None:
        """Retire the signing key for this successor (migration 19's triggers allow no
        other change), keeping the signed succession."""
        self._execute(
            "INSERT INTO retired_signing_keys(verify_key, created_at, retired_at, successor, "
            "succession) SELECT verify_key, created_at, ?, ?, ? FROM signing_key WHERE id = 1",
            (to_utc_text(now), verify_key, succession))
        self._execute("UPDATE signing_key SET secret = ?, verify_key = ?, created_at = ? "
                      "WHERE id = 1", (secret, verify_key, to_utc_text(now)))

    def retired_signing_keys(self) -> list[tuple[str, datetime, str]]:
        """(verify key, retired at, the succession's JSON) of every retired key, oldest
        first."""
        return [(str(r[0]), from_utc_text(str(r[1])), str(r[2])) for r in self._rows(
            "SELECT verify_key, retired_at, succession FROM retired_signing_keys ORDER BY id")]

    def laptop_successions(self) -> dict[str, tuple[str, str]]:
        """Old key -> (new key, when), of every staff laptop key this vault followed to a
        successor (from the audit: append-only and hash-chained)."""
        return {str(r[0]): (str(r[1]), str(r[2])) for r in self._rows(
            "SELECT json_extract(detail, '$.old_key'), json_extract(detail, '$.new_key'), "
            "json_extract(detail, '$.at') FROM audit "
            "WHERE action = 'staff_laptop_key_succeeded' GROUP BY 1")}
