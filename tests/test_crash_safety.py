"""Killing the process (SIGKILL) at random moments while it saves concerns loses no concern
whose save had returned, and the vault still verifies.

A worker process (tests/crash_worker.py) unlocks the vault and saves concerns in a loop,
printing each concern's serial only after record_concern has returned. This test kills it
at a random moment, many times over, and after every kill opens the vault itself and checks:

- every serial the worker printed, in this run and every earlier one, is a submitted
  concern, whole (facts, child, indicators) and with its audit events;
- at most one save per run is found that was not printed: the one in flight when the
  process died, which may have committed as a draft, as a submitted concern, or not at all;
- services.maintenance.verify reports the vault intact (SQLCipher HMACs, SQLite
  integrity, schema version, audit hash chain).
"""

from __future__ import annotations

import os
import queue
import random
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO

import pytest

from cerecorder.domain.model import ConcernStatus
from cerecorder.services import maintenance, session

from crash_worker import INDICATORS, facts_for, serial_text
from helpers import DSL_PASS, TAXONOMY, MockClock, add_child, new_vault

pytestmark = pytest.mark.slow

WORKER = Path(__file__).with_name("crash_worker.py")
RUNS = 20
SERIALS_PER_RUN = 100_000  # serials of run n start at n * SERIALS_PER_RUN
SERIAL = re.compile(r"serial-(\d{7})")
READY_TIMEOUT = 30.0


def serial_of(facts: str) -> int:
    match = SERIAL.search(facts)
    assert match is not None, f"facts without a serial (cut short?): {facts[:80]!r}"
    return int(match.group(1))


def _stream_lines(stream: IO[str], into: queue.Queue[str | None]) -> None:
    for line in stream:
        into.put(line)
    into.put(None)


def _run_and_kill(
    folder: Path, child_id: int, first: int, delay: float, env: dict[str, str]
) -> tuple[list[int], str, int]:
    """Start the worker, let it save for `delay` seconds after "ready", SIGKILL it.

    Returns the serials it printed (complete lines only), its stderr and its exit status.
    """
    proc = subprocess.Popen(
        [sys.executable, str(WORKER), str(folder), "dsl", str(child_id), str(first)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, env=env,
    )
    lines: queue.Queue[str | None] = queue.Queue()
    reader = threading.Thread(target=_stream_lines, args=(proc.stdout, lines), daemon=True)
    reader.start()
    try:
        assert proc.stdin is not None
        proc.stdin.write(DSL_PASS + "\n")
        proc.stdin.close()
        try:
            first_line = lines.get(timeout=READY_TIMEOUT)
        except queue.Empty:
            first_line = "(nothing within the timeout)"
        if first_line != "ready\n":
            proc.kill()
            _, err = proc.communicate()
            pytest.fail(f"the worker did not get ready: {first_line!r}; stderr:\n{err}")
        time.sleep(delay)
        proc.kill()  # SIGKILL on POSIX: no handler, no cleanup, no flush
        proc.wait()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    reader.join(timeout=10)
    assert not reader.is_alive()
    assert proc.stderr is not None
    stderr = proc.stderr.read()
    proc.stderr.close()
    assert proc.stdout is not None
    proc.stdout.close()

    printed: list[int] = []
    while (line := lines.get_nowait()) is not None:
        if not line.endswith("\n"):
            continue  # cut off mid-print: not counted as returned
        match = SERIAL.fullmatch(line.rstrip("\n"))
        assert match is not None, f"unexpected worker output {line!r}"
        printed.append(int(match.group(1)))
    return printed, stderr, proc.returncode


def test_sigkill_while_saving_loses_no_returned_save(
    tmp_path: Path, clock: MockClock, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "vault"
    opened = new_vault(folder, clock)
    child_id = add_child(opened)
    dsl_id = opened.user.id
    opened.lock()

    (tmp_path / "tmp").mkdir()
    env = dict(os.environ, CERECORDER_HOME=str(tmp_path / "home"), TMPDIR=str(tmp_path / "tmp"))
    rng = random.Random(20261116)

    returned: set[int] = set()  # every serial whose save returned, over all runs
    in_flights: set[int] = set()  # the save each kill interrupted (may have committed)
    in_flight_committed = 0  # unprinted saves found submitted after a kill
    drafts_left = 0
    for run in range(RUNS):
        first = run * SERIALS_PER_RUN
        delay = rng.uniform(0.3, 1.5)
        printed, stderr, status = _run_and_kill(folder, child_id, first, delay, env)

        # It died of the kill, not of an error of its own.
        if os.name == "posix":
            assert status == -signal.SIGKILL, f"run {run}: exit status {status}; {stderr}"
        assert "Traceback" not in stderr, stderr
        # Printed in order, no gaps: a serial is printed only after its save returned.
        assert printed == list(range(first, first + len(printed))), f"run {run}"
        assert printed, f"run {run}: no save returned in {delay:.2f} s"
        returned.update(printed)
        in_flight = first + len(printed)
        in_flights.add(in_flight)

        s = session.unlock(
            folder, user_name="dsl", passphrase=DSL_PASS, clock=clock, taxonomy=TAXONOMY
        )
        try:
            with s.uow() as uow:
                submitted_facts = [
                    str(r[0]) for r in uow.conn.execute(
                        "SELECT facts FROM concerns WHERE status = 'submitted'"
                    )
                ]
                everything = uow.concerns.by_author(dsl_id)
                created = [
                    str(r[0]) for r in uow.conn.execute(
                        "SELECT object_id FROM audit WHERE action = 'concern_draft_created'"
                    )
                ]
                submitted_events = [
                    str(r[0]) for r in uow.conn.execute(
                        "SELECT object_id FROM audit WHERE action = 'concern_submitted'"
                    )
                ]
            submitted = [serial_of(f) for f in submitted_facts]
            assert len(submitted) == len(set(submitted)), f"run {run}: a concern saved twice"
            missing = returned - set(submitted)
            assert not missing, (
                f"run {run}: {len(missing)} concerns whose save had returned are lost, "
                f"e.g. {serial_text(min(missing))}"
            )
            # Nothing beyond the one save in flight when the process died.
            unprinted = {n for n in submitted if n >= first} - set(printed)
            assert unprinted <= {in_flight}, f"run {run}: unexpected {sorted(unprinted)}"
            in_flight_committed += len(unprinted)

            # Every concern, draft or submitted, arrived whole, with its audit events.
            assert sorted(created) == sorted(str(c.id) for c in everything)
            assert sorted(submitted_events) == sorted(
                str(c.id) for c in everything if c.status is ConcernStatus.SUBMITTED
            )
            drafts = []
            for concern in everything:
                number = serial_of(concern.content.facts)
                assert concern.content.facts == facts_for(number), f"concern {concern.id}"
                assert concern.content.child_ids == (child_id,), f"concern {concern.id}"
                assert concern.content.indicator_codes == INDICATORS, f"concern {concern.id}"
                if concern.status is ConcernStatus.DRAFT:
                    drafts.append(number)
            # A draft is only ever the save in flight at some kill, never a returned one.
            assert not set(drafts) & returned, f"run {run}: a returned save is a draft"
            assert set(drafts) <= in_flights, f"run {run}: drafts {drafts}"
            assert set(submitted) <= returned | in_flights
            drafts_left = len(drafts)

            report = maintenance.verify(s)
            assert report.ok, f"run {run}: verify failed after the kill: {report}"
            assert report.audit_rows > 0
        finally:
            s.lock()

    assert len(returned) > RUNS  # the kills did land among many saves
    with capsys.disabled():
        print(
            f"\ncrash safety: {RUNS} runs, {RUNS} SIGKILLs, {len(returned)} saves returned and "
            f"all kept, {in_flight_committed} in-flight saves found committed, "
            f"{drafts_left} in-flight drafts left; vault verified after every kill"
        )
