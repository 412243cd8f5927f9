"""Sealed packets: a staff laptop seals 1,000 concerns into its outbox, the DSL's vault
imports all 1,000, and the staff laptop collects the 1,000 receipts.

    python bench/packets_bench.py [--packets N]

Two vaults in a temporary folder, 200 pupils on roll in both, concerns of realistic
length (a few paragraphs, several signs, two DSL recipients on the card). Each phase is
timed as a whole, with the mean per packet. Targets: sealing <= 20 ms a packet,
importing <= 60 ms a packet (a day's concerns for a whole school in seconds). Every
packet is written with fsync and every import is its own transaction, as in the app.
Reports PASS or MISS and always exits 0: benchmarks report, they do not fail a build.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from cerecorder import paths
from cerecorder.crypto.keyslots import KdfParams
from cerecorder.domain.model import ChildDetails, ConcernContent, Role, Urgency
from cerecorder.domain.taxonomy import TaxonomyLibrary
from cerecorder.services import cards, children, concerns, packet_cards, packets, session, users

PASSPHRASE = "benchmark passphrase, not a secret"
#: key derivation is not what is measured here
CHEAP_KDF = KdfParams(memory_kib=1024, iterations=1, lanes=1)
PUPILS = 200
TARGET_SEAL_MS = 20.0
TARGET_IMPORT_MS = 60.0
FACTS = ("Seen at the bus station at 8.40 pm with two older males not known to school; "
         "got into a grey car. Has had new trainers and a second phone this week. ") * 4


class Clock:
    """Real time, moved on a minute per concern so that the records are spread out."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return datetime.now(UTC) - timedelta(days=30) + self.offset


def vault(folder: Path, name: str, role: Role, clock: Clock,
          taxonomy: TaxonomyLibrary) -> session.Session:
    opened, _ = session.create(folder, user_name=name, display_name=name.title(), role=role,
                               passphrase=PASSPHRASE, clock=clock, taxonomy=taxonomy,
                               kdf=CHEAP_KDF)
    return opened


def roll(s: session.Session) -> list[int]:
    return [children.add_child(s, ChildDetails(
        f"Pupil{n}", f"Surname{n}", date_of_birth=date(2010, 1, 1) + timedelta(days=n),
        upn=f"B{n:012d}", year_group=f"Year {7 + n % 5}")) for n in range(PUPILS)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packets", type=int, default=1000)
    count = parser.parse_args().packets
    taxonomy = TaxonomyLibrary.load(paths.taxonomy_dir())
    codes = sorted(i.code for i in taxonomy.current.items)[:6]
    clock = Clock()
    with tempfile.TemporaryDirectory(prefix="cer-packets-bench-") as tmp:
        root = Path(tmp)
        share = root / "share"
        share.mkdir()
        dsl = vault(root / "dsl", "dsl", Role.DSL, clock, taxonomy)
        users.add_user(dsl, name="deputy", display_name="Deputy", role=Role.DSL,
                       passphrase=PASSPHRASE)
        roll(dsl)
        setup = vault(root / "staff", "setup", Role.DSL, clock, taxonomy)
        pupils = roll(setup)
        users.add_user(setup, name="teacher", display_name="Teacher", role=Role.STAFF,
                       passphrase=PASSPHRASE)
        setup.lock()
        staff = session.unlock(root / "staff", user_name="teacher", passphrase=PASSPHRASE,
                               clock=clock, taxonomy=taxonomy)
        card = packet_cards.recipient_card(dsl)
        cards.pin_card(staff, card, card.signer_fingerprint)  # as checked with the DSL
        enrolment = packet_cards.staff_card(staff)
        packet_cards.enrol(dsl, enrolment, enrolment.fingerprint)

        print(f"Packets: {count:,} concerns, {PUPILS} pupils on roll, "
              f"{len(card.recipients)} DSL recipients")
        for n in range(count):
            clock.offset += timedelta(minutes=1)
            concerns.record_concern(staff, ConcernContent(
                child_ids=(pupils[n % PUPILS],), occurred_at=clock.now() - timedelta(hours=1),
                location="Bus station", facts=f"{n}: {FACTS}",
                child_words="They're my mates, they look after me.",
                opinion="Anxious; checking the phone constantly.",
                indicator_codes=frozenset(codes), urgency=Urgency.HIGH,
                informed="Head of year"))

        began = time.perf_counter()
        report = packets.send_waiting(staff, card, share)
        seal_s = time.perf_counter() - began
        assert report.sent == count, report
        sizes = [p.stat().st_size for p in share.glob("*.cepacket")]

        began = time.perf_counter()
        inbox = packets.import_inbox(dsl, share)
        import_s = time.perf_counter() - began
        assert inbox.count("imported") == count, inbox.summary

        began = time.perf_counter()
        receipts = packets.collect_receipts(staff, share)
        receipt_s = time.perf_counter() - began
        assert receipts == count

        began = time.perf_counter()
        again = packets.import_inbox(dsl, share)  # nothing left: the packets were filed
        empty_s = time.perf_counter() - began
        assert again.outcomes == ()
        staff.lock()
        dsl.lock()

    seal_ms, import_ms = seal_s * 1000 / count, import_s * 1000 / count
    print(f"  packet size    median {statistics.median(sizes) / 1024:.1f} KiB "
          f"(max {max(sizes) / 1024:.1f} KiB)")
    verdict = "PASS" if seal_ms <= TARGET_SEAL_MS else "MISS"
    print(f"  seal + write   {seal_s:.2f} s for {count:,}: {seal_ms:.1f} ms a packet "
          f"(target <= {TARGET_SEAL_MS:.0f} ms)  {verdict}")
    verdict = "PASS" if import_ms <= TARGET_IMPORT_MS else "MISS"
    print(f"  import         {import_s:.2f} s for {count:,}: {import_ms:.1f} ms a packet "
          f"(target <= {TARGET_IMPORT_MS:.0f} ms)  {verdict}")
    print(f"  receipts       {receipt_s:.2f} s for {count:,}: "
          f"{receipt_s * 1000 / count:.1f} ms a receipt")
    print(f"  empty inbox    {empty_s * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
