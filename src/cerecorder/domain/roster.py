"""Reading a pupil roll exported from the school's MIS (SIMS, Arbor, Bromcom, iSAMS) and
matching it to the children already in the vault. Pure: bytes and records in, a plan out.

One identity per child: a second record for the same child splits the chronology, which
is how warning signs get missed. So a row is matched on UPN, then admission number, then
legal name and date of birth, and anything doubtful is shown as a conflict, never guessed.
"""

from __future__ import annotations

import csv
import enum
import hashlib
import io
import re
import unicodedata
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from cerecorder.domain.errors import InvalidInput
from cerecorder.domain.model import ChildDetails
from cerecorder.domain.rules import EARLIEST, MAX_NAME
from cerecorder.domain.timefmt import uk_date

#: a roll of a very large school is under 1 MB; anything far beyond is the wrong file
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 20_000
#: the oldest pupil a school roll holds (post-16 and special schools go to 25)
MAX_AGE_YEARS = 30
DELIMITERS = ",;\t|"
#: how far down the file the headings are looked for
_TITLE_ROWS = 10
_UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"  # A-Z without I, O and S: 23 letters, mod 23


class RosterField(enum.StrEnum):
    UPN = "upn"
    ADMISSION_NUMBER = "admission_number"
    LEGAL_FORENAMES = "legal_forenames"
    LEGAL_SURNAME = "legal_surname"
    PREFERRED_FORENAMES = "preferred_forenames"
    PREFERRED_SURNAME = "preferred_surname"
    DATE_OF_BIRTH = "date_of_birth"
    GENDER = "gender"
    YEAR_GROUP = "year_group"
    REG_GROUP = "reg_group"

    @property
    def label(self) -> str:
        return _FIELD_LABELS[self]


_FIELD_LABELS = {
    RosterField.UPN: "UPN",
    RosterField.ADMISSION_NUMBER: "Admission number",
    RosterField.LEGAL_FORENAMES: "Legal forename(s)",
    RosterField.LEGAL_SURNAME: "Legal surname",
    RosterField.PREFERRED_FORENAMES: "Preferred forename",
    RosterField.PREFERRED_SURNAME: "Preferred surname",
    RosterField.DATE_OF_BIRTH: "Date of birth",
    RosterField.GENDER: "Gender",
    RosterField.YEAR_GROUP: "Year group",
    RosterField.REG_GROUP: "Registration group",
}

#: header names the usual MIS exports use, compared with case, spaces and punctuation gone
_ALIASES: dict[RosterField, tuple[str, ...]] = {
    RosterField.UPN: ("upn", "uniquepupilnumber", "pupilupn", "studentupn"),
    RosterField.ADMISSION_NUMBER: (
        "adno", "admno", "admissionnumber", "admissionno", "admission", "admissionsnumber",
        "pupiladno", "studentadno", "adnumber"),
    RosterField.LEGAL_FORENAMES: (
        "legalforename", "legalforenames", "legalfirstname", "legalfirstnames", "forename",
        "forenames", "firstname", "firstnames", "givenname", "givennames"),
    RosterField.LEGAL_SURNAME: (
        "legalsurname", "legallastname", "legalfamilyname", "surname", "lastname",
        "familyname"),
    RosterField.PREFERRED_FORENAMES: (
        "preferredforename", "preferredforenames", "preferredfirstname", "preferredname",
        "chosenforename", "chosenname", "knownas"),
    RosterField.PREFERRED_SURNAME: (
        "preferredsurname", "preferredlastname", "chosensurname", "preferredfamilyname"),
    RosterField.DATE_OF_BIRTH: ("dob", "dateofbirth", "birthdate", "birthday"),
    RosterField.GENDER: ("gender", "sex", "legalsex"),
    RosterField.YEAR_GROUP: (
        "year", "yeargroup", "yr", "ncyear", "nationalcurriculumyear", "curriculumyear",
        "yeartaughtin", "schoolyear"),
    RosterField.REG_GROUP: (
        "reg", "reggroup", "regform", "registrationgroup", "registrationform", "registration",
        "form", "formgroup", "tutorgroup", "tutor", "class", "regclass"),
}
_KNOWN_HEADERS = {alias: f for f, aliases in _ALIASES.items() for alias in aliases}

#: a mapping must at least say who the child is
REQUIRED = (RosterField.LEGAL_FORENAMES, RosterField.LEGAL_SURNAME)


def normalise_header(name: str) -> str:
    return re.sub(r"[^0-9a-z]", "", unicodedata.normalize("NFKD", name).casefold())


def header_key(header: Sequence[str]) -> str:
    """Identifies a header set (not its pupils) so a mapping is remembered for next term."""
    joined = "\x1f".join(normalise_header(h) for h in header)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:32]


def guess_mapping(header: Sequence[str]) -> dict[int, RosterField]:
    """Column index to field for the headers we recognise; the first column wins a field."""
    mapping: dict[int, RosterField] = {}
    for index, name in enumerate(header):
        known = _KNOWN_HEADERS.get(normalise_header(name))
        if known is not None and known not in mapping.values():
            mapping[index] = known
    return mapping


def check_mapping(header: Sequence[str], mapping: Mapping[int, RosterField]) -> None:
    missing = [f.label for f in REQUIRED if f not in mapping.values()]
    if missing:
        raise InvalidInput("Say which column holds: " + ", ".join(missing) + ".")
    seen: dict[RosterField, int] = {}
    for index, target in sorted(mapping.items()):
        if not 0 <= index < len(header):
            raise InvalidInput(f"Column {index + 1} is not in the file.")
        if target in seen:
            raise InvalidInput(
                f"Two columns are mapped to {target.label}: '{header[seen[target]]}' and "
                f"'{header[index]}'.")
        seen[target] = index


# -- UPN -----------------------------------------------------------------------------------


def counted(count: int, what: str = "row") -> str:
    """'1 row', '2 rows': counts as a school office reads them."""
    return f"{count:,} {what}" + ("" if count == 1 else "s")


def upn_check_letter(body: str) -> str:
    """The DfE check letter for the 12 characters after it: each weighted by its position
    (2 to 13), the sum taken modulo 23, mapped to A-Z without I, O and S. A temporary UPN
    ends in a letter, which counts as its place in that same alphabet."""
    total = 0
    for weight, char in enumerate(body, start=2):
        total += weight * (int(char) if char.isdigit() else _UPN_LETTERS.index(char))
    return _UPN_LETTERS[total % 23]


def upn_problem(upn: str) -> str | None:
    """Why a UPN is not one the DfE would issue, or None."""
    if not re.fullmatch(r"[A-Z][0-9]{11}[0-9A-Z]", upn):
        return (f"UPN {upn} is not 13 characters: a letter, then 12 digits (or 11 digits "
                "and a letter)")
    if upn[12] in "IOS" or upn[0] in "IOS":
        return f"UPN {upn} uses I, O or S, which a UPN never does"
    expected = upn_check_letter(upn[1:])
    if upn[0] != expected:
        return f"UPN {upn} has the wrong check letter (it should start with {expected})"
    return None


# -- reading the file ----------------------------------------------------------------------


@dataclass(frozen=True)
class RosterFile:
    """The file as text: which encoding and delimiter were found, its header and rows."""

    encoding: str
    delimiter: str
    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]  # (line number, cells), blank rows gone
    header_line: int = 1

    @property
    def delimiter_name(self) -> str:
        return {",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar"}[self.delimiter]


def decode(data: bytes) -> tuple[str, str]:
    """Text and the name of its encoding: UTF-8 (with or without a byte-order mark) if
    it is valid UTF-8, else Windows-1252, which is what Excel on Windows saves. Excel's
    "Unicode text" is UTF-16 with a byte-order mark."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16", errors="strict"), "UTF-16"
        except UnicodeDecodeError as exc:
            raise InvalidInput("The file says it is UTF-16 but is not: export the roll "
                               "again as CSV.") from exc
    if data.startswith(b"\xef\xbb\xbf"):
        name, codec = "UTF-8 with byte-order mark", "utf-8-sig"
    else:
        name, codec = "UTF-8", "utf-8"
    try:
        return data.decode(codec, errors="strict"), name
    except UnicodeDecodeError:
        pass
    # five bytes are undefined in cp1252; Windows maps them to the C1 controls, so do we
    text = data.decode("cp1252", errors="replace")
    if "\ufffd" in text:
        text = "".join(
            chr(b) if ch == "\ufffd" else ch
            for ch, b in zip(text, data, strict=True))
    return text, "Windows-1252"


def _sniff(text: str) -> str:
    sample = "\n".join(text.splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        counts = {d: sample.count(d) for d in DELIMITERS}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


def read_roster(data: bytes) -> RosterFile:
    if len(data) > MAX_FILE_BYTES:
        raise InvalidInput(f"The file is {len(data) // (1024 * 1024)} MB: a pupil roll is "
                           "far smaller. Is it the right file?")
    text, encoding = decode(data)
    if "\x00" in text:
        raise InvalidInput("This is not a CSV file (it holds binary data). Export the roll "
                           "from the MIS as CSV.")
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise InvalidInput("The file is empty.")
    delimiter = _sniff(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    rows: list[tuple[int, tuple[str, ...]]] = []
    start = 1
    try:
        for cells in reader:
            line, start = start, reader.line_num + 1
            cleaned = tuple(c.strip() for c in cells)
            if not any(cleaned):
                continue
            rows.append((line, cleaned))
            if len(rows) > MAX_ROWS + _TITLE_ROWS:
                raise _too_many()
    except csv.Error as exc:
        # the reader has run on to the end of the runaway cell; say where it began
        raise InvalidInput(
            f"The file cannot be read as CSV from line {start}: a cell there does not end, "
            "usually because a quotation mark (\") is not closed. Correct that line, or "
            "export the roll again.") from exc
    if not rows:
        raise InvalidInput("The file has no header row.")
    # a report title or export date may come before the headings: skip to the first row
    # that looks like them
    first = next((n for n, (_, cells) in enumerate(rows[:_TITLE_ROWS])
                  if len(guess_mapping(cells)) >= 2), 0)
    if len(rows) - first - 1 > MAX_ROWS:  # the headings and any title are not pupils
        raise _too_many()
    return RosterFile(encoding, delimiter, _trim_trailing(rows[first][1]),
                      tuple(rows[first + 1:]), rows[first][0])


def _too_many() -> InvalidInput:
    return InvalidInput(f"The file has more than {MAX_ROWS:,} pupils. Is it the right file?")


def _trim_trailing(header: tuple[str, ...]) -> tuple[str, ...]:
    """Excel leaves empty columns after the last heading."""
    end = len(header)
    while end and not header[end - 1]:
        end -= 1
    return header[:end]


# -- reading the rows ----------------------------------------------------------------------


@dataclass(frozen=True)
class RosterRow:
    """One pupil as the file gives them; only the fields the mapping supplies are set."""

    line: int
    details: ChildDetails
    supplied: frozenset[RosterField]


@dataclass(frozen=True)
class RowProblem:
    line: int
    message: str
    #: the name as the file gives it, to find the row by
    name: str = ""
    #: that name as name_key() has it: a pupil named on a problem row is not a leaver
    pupil_key: str = ""


_DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d", "%d %b %Y",
                 "%d-%b-%Y", "%d %B %Y")
_TIME_AFTER = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")


def parse_date_of_birth(text: str, today: date) -> date:
    """dd/mm/yyyy, ISO, or with the month's name (03 Apr 2013); a time after it, as Excel
    adds, is ignored."""
    value = _TIME_AFTER.sub("", " ".join(text.split()))
    for pattern in _DATE_FORMATS:
        try:
            born = datetime.strptime(value, pattern).date()
        except ValueError:
            continue
        break
    else:
        if re.fullmatch(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2}", value):
            raise InvalidInput(f"date of birth {text} has a two-digit year; use dd/mm/yyyy")
        raise InvalidInput(f"date of birth {text} is not a date (dd/mm/yyyy)")
    if born > today:
        raise InvalidInput(f"date of birth {uk_date(born)} is in the future")
    if today.year - born.year > MAX_AGE_YEARS:
        raise InvalidInput(f"date of birth {uk_date(born)} is more than {MAX_AGE_YEARS} "
                           "years ago")
    if born < EARLIEST:  # the range every record keeps (domain.rules)
        raise InvalidInput(f"date of birth {uk_date(born)} is before {uk_date(EARLIEST)}")
    return born


_GENDERS = {"m": "Male", "male": "Male", "f": "Female", "female": "Female"}


def _text(value: str, what: str) -> str:
    value = unicodedata.normalize("NFC", " ".join(value.split()))
    if len(value) > MAX_NAME:
        raise InvalidInput(f"{what} is longer than {MAX_NAME} characters")
    if any(unicodedata.category(c) in ("Cc", "Cs", "Co", "Cn") for c in value):
        raise InvalidInput(f"{what} holds characters that are not text")
    return value


def parse_rows(
    roster: RosterFile, mapping: Mapping[int, RosterField], today: date
) -> tuple[list[RosterRow], list[RowProblem]]:
    """Rows that can be imported, and the problem rows with their line numbers."""
    check_mapping(roster.header, mapping)
    _refuse_month_first(roster, mapping)
    good: list[RosterRow] = []
    problems: list[RowProblem] = []
    name_columns = [i for f in (RosterField.LEGAL_FORENAMES, RosterField.LEGAL_SURNAME)
                    for i, target in mapping.items() if target is f]
    for line, cells in roster.rows:
        try:
            good.append(_parse_row(line, cells, mapping, today))
        except InvalidInput as exc:
            forenames, surname = (cells[i] if i < len(cells) else "" for i in name_columns)
            name = " ".join(n for n in (forenames, surname) if n)
            problems.append(RowProblem(line, str(exc), name[:MAX_NAME],
                                       name_key(forenames, surname) if name else ""))
    _flag_repeats(good, problems, RosterField.UPN, "UPN")
    _flag_repeats(good, problems, RosterField.ADMISSION_NUMBER, "admission number")
    problems.sort(key=lambda p: p.line)
    return good, problems


_NUMERIC_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-]\d{4}")


def _refuse_month_first(roster: RosterFile, mapping: Mapping[int, RosterField]) -> None:
    """Excel set to US English writes 03/04/2013 for 4 March. Such a file shows itself
    only where the day is over 12 (02/13/2013); its other dates would be read with day
    and month swapped, silently. So a file whose numeric dates fit only month first is
    refused whole, unless some date fits only day first (then the odd one is a typo)."""
    column = next((i for i, f in mapping.items() if f is RosterField.DATE_OF_BIRTH), None)
    if column is None:
        return
    month_first: tuple[int, str] | None = None
    for line, cells in roster.rows:
        found = _NUMERIC_DATE.match(cells[column]) if column < len(cells) else None
        if found is None:
            continue
        first, second = int(found.group(1)), int(found.group(2))
        if first > 12 >= second:
            return  # day first, as a UK MIS writes it
        if second > 12 >= first and month_first is None:
            month_first = (line, cells[column])
    if month_first is not None:
        line, text = month_first
        raise InvalidInput(
            f"The dates of birth are written month first, as US Excel does (line {line}: "
            f"{text}), so the other dates would be misread. Save or export the roll "
            "again with dates as dd/mm/yyyy.")


def _parse_row(line: int, cells: Sequence[str], mapping: Mapping[int, RosterField],
               today: date) -> RosterRow:
    values: dict[str, Any] = {}
    for index, target in mapping.items():
        raw = cells[index] if index < len(cells) else ""
        if target is RosterField.DATE_OF_BIRTH:
            values[target.value] = parse_date_of_birth(raw, today) if raw.strip() else None
            continue
        text = _text(raw, target.label)
        if target is RosterField.UPN:
            text = text.replace(" ", "").upper()
            problem = upn_problem(text) if text else None
            if problem:
                raise InvalidInput(problem)
        elif target is RosterField.GENDER:
            text = _GENDERS.get(text.casefold(), text)
        values[target.value] = text
    forenames = str(values.get(RosterField.LEGAL_FORENAMES.value, ""))
    surname = str(values.get(RosterField.LEGAL_SURNAME.value, ""))
    if not forenames and not surname:
        raise InvalidInput("no name: the legal forename and surname are both empty")
    if not forenames or not surname:
        raise InvalidInput("no legal " + ("forename" if not forenames else "surname"))
    details = ChildDetails(legal_forenames=forenames, legal_surname=surname)
    details = replace(details, **{k: v for k, v in values.items()
                                  if k not in (RosterField.LEGAL_FORENAMES.value,
                                               RosterField.LEGAL_SURNAME.value)})
    return RosterRow(line, details, frozenset(mapping.values()))


def _flag_repeats(good: list[RosterRow], problems: list[RowProblem], target: RosterField,
                  what: str) -> None:
    lines: dict[str, list[int]] = defaultdict(list)
    for row in good:
        value = str(getattr(row.details, target.value))
        if value:
            lines[value].append(row.line)
    repeated = {line for ls in lines.values() if len(ls) > 1 for line in ls}
    if not repeated:
        return
    by_line = {line: v for v, ls in lines.items() for line in ls}
    for row in [r for r in good if r.line in repeated]:
        value = by_line[row.line]
        others = ", ".join(str(n) for n in lines[value] if n != row.line)
        d = row.details
        problems.append(RowProblem(
            row.line, f"{what} {value} is also on line {others}",
            f"{d.legal_forenames} {d.legal_surname}",
            name_key(d.legal_forenames, d.legal_surname)))
        good.remove(row)


def name_key(forenames: str, surname: str) -> str:
    """Names compared without case, accents, hyphens or apostrophes (Zoë O'Neil-Smith ==
    ZOE ONEIL SMITH): MIS exports and hand-typed records disagree on all of them."""
    text = unicodedata.normalize("NFKD", f"{forenames}|{surname}".casefold())
    return "".join(c for c in text if c.isalnum() or c == "|")


def mentioned_identifiers(roster: RosterFile, mapping: Mapping[int, RosterField]) -> set[str]:
    """Every UPN and admission number in the file, whether or not its row is sound."""
    columns = [i for i, f in mapping.items()
               if f in (RosterField.UPN, RosterField.ADMISSION_NUMBER)]
    found: set[str] = set()
    for _line, cells in roster.rows:
        for i in columns:
            if i < len(cells) and cells[i].strip():
                value = cells[i].strip()
                found.add(value)
                found.add(value.replace(" ", "").upper())
    return found

