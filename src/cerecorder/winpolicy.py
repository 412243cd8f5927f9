"""The Windows machine policy in the registry: HKLM\\Software\\Policies\\CE Recorder, where
Group Policy and Intune (through the ADMX template in packaging/windows) and the MSI's
properties write it. Its value names are policy.toml's keys; each value is checked as a key
of the file would be (policy.from_values). docs/policy.md says which policy wins.

`read_values` is the seam: the only code that touches `winreg`. Tests replace it with a
dictionary, so the rest runs, and is tested, on every system.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

from cerecorder import policy

KEY = r"Software\Policies\CE Recorder"
#: How IT finds it in regedit, and how messages name it.
SOURCE = "HKLM\\" + KEY
#: winreg's value types (winreg itself exists on Windows only).
REG_SZ, REG_EXPAND_SZ, REG_DWORD = 1, 2, 4
#: Keys held as numbers (REG_DWORD; the MSI writes REG_SZ digits) and as yes/no (DWORD 1/0);
#: every other key is text (REG_SZ or REG_EXPAND_SZ).
NUMBERS = frozenset({"idle_lock_minutes", "retention_years", "attachment_file_mb",
                     "attachment_concern_mb"})
FLAGS = frozenset({"offer_demo", "case_sign_off"})

#: name -> (data, type) of every value under the key; None when there is no such key.
Values = Mapping[str, tuple[object, int]]


class Unreadable(Exception):
    """The key exists but cannot be read; the message says why."""


class _WrongType(Exception):
    """A value's registry type does not suit its key; the message says what it must be."""


def read_values() -> Values | None:
    """The values under HKLM\\Software\\Policies\\CE Recorder in the 64-bit registry view
    (where Group Policy and the 64-bit MSI write); None off Windows or without the key."""
    if sys.platform != "win32":
        return None
    import winreg

    try:
        key = winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, KEY, 0,
                             winreg.KEY_READ | winreg.KEY_WOW64_64KEY)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise Unreadable(exc.strerror or type(exc).__name__) from exc
    values: dict[str, tuple[object, int]] = {}
    with key:
        count = winreg.QueryInfoKey(key)[1]
        for index in range(count):
            name, data, kind = winreg.EnumValue(key, index)
            values[name] = (data, kind)
    return values


KINDS = {REG_SZ: "text (REG_SZ)", REG_EXPAND_SZ: "text (REG_EXPAND_SZ)", 3: "REG_BINARY",
         REG_DWORD: "a number (REG_DWORD)", 7: "REG_MULTI_SZ", 11: "REG_QWORD"}


def _kind(kind: int) -> str:
    return KINDS.get(kind, f"registry type {kind}")


def _value(name: str, data: object, kind: int) -> Any:
    """A registry value as the TOML file would hold it (the validators then check the
    value itself); _WrongType when its registry type does not suit the key."""
    text = kind in (REG_SZ, REG_EXPAND_SZ) and isinstance(data, str)
    if name in NUMBERS:
        if kind == REG_DWORD and isinstance(data, int):
            return data
        if text and str(data).strip().isdigit():
            return int(str(data))
        raise _WrongType(f"must be a number (REG_DWORD), not {_kind(kind)}")
    if name in FLAGS:
        if kind == REG_DWORD and data in (0, 1):
            return data == 1
        raise _WrongType(f"must be the number 1 (yes) or 0 (no) as a REG_DWORD, not "
                         f"{data!r} as {_kind(kind)}")
    if text or name not in policy.KEYS:
        return data
    raise _WrongType(f"must be text (REG_SZ), not {_kind(kind)}")


def reading(values: Values) -> policy.PolicyReading | None:
    """The policy those values set; None when the key holds no value (a GPO "not
    configured" everywhere leaves the key behind, empty), so the file's policy applies."""
    if not values:
        return None
    converted: dict[str, Any] = {}
    problems: list[str] = []
    for name, (data, kind) in values.items():
        try:
            converted[name] = _value(name, data, kind)
        except _WrongType as exc:
            problems.append(f"{name}: {exc}; the default applies")
    rules, checked = policy.from_values(converted)
    return policy.PolicyReading(rules, (*problems, *checked), SOURCE)


def machine_reading() -> policy.PolicyReading | None:
    """The registry policy of this machine, or None (not Windows, or nothing set)."""
    try:
        values = read_values()
    except Unreadable as exc:
        return policy.PolicyReading(policy.Policy(), (
            f"the registry key could not be read ({exc}); every key uses its default",),
            SOURCE)
    return reading(values) if values is not None else None
