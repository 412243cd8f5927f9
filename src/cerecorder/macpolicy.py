"""The macOS machine policy from a configuration profile. MDM (Jamf, Intune) pushes
packaging/macos/cerecorder.mobileconfig, whose payload in the managed preferences domain
uk.org.cerecorder (the app's bundle identifier) macOS writes, owned by root, to
/Library/Managed Preferences/uk.org.cerecorder.plist. Its keys are policy.toml's; each
value is checked as a key of the file would be (policy.from_values), and like the Windows
registry policy it wins whole over any policy file. docs/policy.md says so.
"""

from __future__ import annotations

import plistlib
import sys
from pathlib import Path
from xml.parsers.expat import ExpatError

from cerecorder import policy

DOMAIN = "uk.org.cerecorder"
#: Where macOS writes every managed preferences domain (tests point it elsewhere).
FOLDER = Path("/Library/Managed Preferences")


def profile() -> Path:
    """The file macOS writes the profile's keys to; messages name it as it is."""
    return FOLDER / f"{DOMAIN}.plist"


def reading(path: Path) -> policy.PolicyReading | None:
    """The policy in the managed preferences file at path; None when there is none or it
    sets no key (a profile with an empty payload), so the policy file applies."""
    try:
        with path.open("rb") as stream:
            data = plistlib.load(stream)
    except FileNotFoundError:
        return None
    except (OSError, plistlib.InvalidFileException, ExpatError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        return policy.PolicyReading(policy.Policy(), (
            f"the managed preferences could not be read ({reason}); every key uses its "
            "default",), str(path))
    if not isinstance(data, dict):
        return policy.PolicyReading(policy.Policy(), (
            "the managed preferences are not a dictionary of keys; every key uses its "
            "default",), str(path))
    # macOS may add its own bookkeeping (PayloadUUID and the like) beside the keys
    values = {key: value for key, value in data.items() if not key.startswith("Payload")}
    if not values:
        return None
    rules, problems = policy.from_values(values)
    return policy.PolicyReading(rules, problems, str(path))


def machine_reading() -> policy.PolicyReading | None:
    """The configuration profile's policy on this Mac, or None (not macOS, or none)."""
    if sys.platform != "darwin":
        return None
    return reading(profile())
