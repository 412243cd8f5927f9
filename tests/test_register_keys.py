"""The register's normalised keys (issue 14): property tests that equivalent spellings of
one registration, phone number, account or postcode meet in one key, that normalising is
idempotent, and that garbage is refused with a message."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cerecorder.domain.errors import InvalidInput
from cerecorder.domain.model import EntryKind
from cerecorder.domain.register import (
    account_key,
    clean_entry,
    clean_mention,
    key_from_text,
    normalise_phone,
    normalise_postcode,
    normalise_registration,
    registration_key,
)

LETTERS = "ABCDEFGHJKLMNPRSTUVWXY"  # no I, O, Q, Z: the DVLA's own letters
letter = st.sampled_from(LETTERS)
digit = st.sampled_from("0123456789")


def _join(*parts: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.tuples(*parts).map("".join)


def _run(alphabet: st.SearchStrategy[str], lo: int, hi: int) -> st.SearchStrategy[str]:
    return st.lists(alphabet, min_size=lo, max_size=hi).map("".join)


current = _join(_run(letter, 2, 2), _run(digit, 2, 2), _run(letter, 3, 3))
prefix = _join(letter, _run(digit, 1, 3), _run(letter, 3, 3))
suffix = _join(_run(letter, 3, 3), _run(digit, 1, 3), letter)
dateless = st.one_of(_join(_run(letter, 1, 3), _run(digit, 1, 4)),
                     _join(_run(digit, 1, 4), _run(letter, 1, 3)))
plate = st.one_of(current, prefix, suffix, dateless)


@st.composite
def respelt(draw: st.DrawFn, text: str) -> str:
    """The same text as someone might type it: any case, spaces or hyphens anywhere."""
    out = ""
    for char in text:
        out += draw(st.sampled_from(["", " ", "-", "  "])) if out else ""
        out += char.lower() if draw(st.booleans()) else char
    return draw(st.sampled_from(["", " "])) + out + draw(st.sampled_from(["", " \t"]))


@given(plate, st.data())
def test_every_spelling_of_a_registration_is_one_key(text: str, data: st.DataObject) -> None:
    typed = data.draw(respelt(text))
    assert registration_key(typed) == text
    assert registration_key(normalise_registration(typed)) == text


@given(plate)
def test_normalising_a_registration_is_idempotent(text: str) -> None:
    once = normalise_registration(text)
    assert normalise_registration(once) == once
    assert once.count(" ") == 1


@given(current)
def test_o_for_zero_and_i_for_one_are_forgiven_where_the_format_wants_digits(
        text: str) -> None:
    typed = text[:2] + text[2:4].replace("0", "O").replace("1", "I") + text[4:]
    assert registration_key(typed) == text


def test_registration_formats_and_where_the_space_goes() -> None:
    assert normalise_registration("ab51abc") == "AB51 ABC"
    assert normalise_registration("a123bcd") == "A123 BCD"
    assert normalise_registration("abc123d") == "ABC 123D"
    assert normalise_registration("abc 1") == "ABC 1"
    assert normalise_registration("1234ab") == "1234 AB"
    assert normalise_registration("ab5i abc") == "AB51 ABC"
    assert normalise_registration("0B51 ABC") == "OB51 ABC"  # a 0 where a letter goes


@pytest.mark.parametrize("garbage", ["", "   ", "hello world", "AB51 ABCD", "ABCD 1234",
                                     "12345", "AB51 AB!", "ÄB51 ABC", "A" * 50])
def test_a_registration_that_is_no_uk_format_is_refused_plainly(garbage: str) -> None:
    with pytest.raises(InvalidInput, match="registration"):
        normalise_registration(garbage)


uk_mobile = _run(digit, 9, 9).map(lambda rest: "7" + rest)
uk_landline = st.tuples(st.sampled_from("123"), _run(digit, 8, 9)).map("".join)
uk_national = st.one_of(uk_mobile, uk_landline)


@given(uk_national, st.sampled_from(["0{}", "+44{}", "0044{}", "+44 (0){}", "+44 0{}",
                                     "44{}"]), st.data())
def test_every_way_of_writing_a_uk_number_is_one_e164_key(
        national: str, form: str, data: st.DataObject) -> None:
    if form == "44{}" and len(national) != 10:
        return  # only a full mobile-length number is read without its +
    typed = form.format(data.draw(respelt(national)).replace("-", " "))
    assert normalise_phone(typed) == "+44" + national


@given(st.tuples(st.sampled_from("123456789"), _run(digit, 7, 13)).map("".join))
def test_an_international_number_keeps_its_country_code_and_is_idempotent(
        digits: str) -> None:
    if digits.startswith("44"):
        return
    key = normalise_phone(f"+{digits[:2]} {digits[2:]}")
    assert key == "+" + digits
    assert normalise_phone(key) == key
    assert normalise_phone("00" + digits) == key


@given(uk_national)
def test_a_uk_key_is_idempotent(national: str) -> None:
    key = normalise_phone("0" + national)
    assert normalise_phone(key) == key
    assert re.fullmatch(r"\+44[1-9]\d{8,9}", key)


@pytest.mark.parametrize("garbage", ["", "call me", "12345", "07700 9001", "0770090012345",
                                     "+44 4123 456789", "+0 123 456 789", "07700 9OO123",
                                     "+1 234"])
def test_a_phone_number_that_cannot_be_read_is_refused_plainly(garbage: str) -> None:
    with pytest.raises(InvalidInput, match="number"):
        normalise_phone(garbage)


handle = st.text(alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyz0123456789._"),
                 min_size=1, max_size=20)


@given(handle, st.sampled_from(["@{}", "{}", " @{} ", "@@{}"]), st.booleans())
def test_a_handle_is_lower_cased_without_its_at(name: str, form: str, upper: bool) -> None:
    typed = form.format(name.upper() if upper else name)
    assert account_key(" SnapChat ", typed) == f"snapchat:{name}"
    assert account_key("snap", typed) == f"snapchat:{name}"


@pytest.mark.parametrize(("platform", "name"), [("Snapchat", ""), ("", "dave"),
                                                ("Snapchat", "big dave"), ("Snapchat", "@")])
def test_an_account_without_a_platform_or_with_a_spaced_handle_is_refused(
        platform: str, name: str) -> None:
    with pytest.raises(InvalidInput):
        account_key(platform, name)


outward = st.one_of(_join(letter, digit), _join(letter, digit, digit),
                    _join(letter, letter, digit), _join(letter, letter, digit, letter))
postcode = _join(outward, digit, letter, letter)


@given(postcode, st.data())
def test_a_postcode_is_upper_case_with_one_space(code: str, data: st.DataObject) -> None:
    typed = data.draw(respelt(code)).replace("-", " ")
    normal = normalise_postcode(typed)
    assert normal == f"{code[:-3]} {code[-3:]}"
    assert normalise_postcode(normal) == normal


@pytest.mark.parametrize("garbage", ["", "SS1", "12 3AB", "SS1 2A", "SSS1 2AB", "hello"])
def test_a_postcode_that_is_no_uk_format_is_refused(garbage: str) -> None:
    with pytest.raises(InvalidInput, match="postcode"):
        normalise_postcode(garbage)


def test_an_entry_keeps_what_its_kind_holds_and_its_key() -> None:
    car = clean_entry(EntryKind.VEHICLE, {"registration": "ab51 abc", "colour": " silver ",
                                          "make": "", "model": "Astra"})
    assert dict(car.values) == {"registration": "AB51 ABC", "colour": "silver",
                                "model": "Astra"}
    assert car.key == "AB51ABC"
    person = clean_entry(EntryKind.PERSON, {"nicknames": "Dee", "relationship": "older "
                                            "boyfriend"})
    assert person.key is None
    with pytest.raises(InvalidInput, match="no field"):
        clean_entry(EntryKind.PHONE, {"number": "07700 900123", "colour": "red"})
    with pytest.raises(InvalidInput, match="Say something"):
        clean_entry(EntryKind.GROUP, {"name": "  "})
    with pytest.raises(InvalidInput, match="not a UK registration"):
        clean_entry(EntryKind.VEHICLE, {"registration": "silver car"})


def test_a_line_staff_typed_keeps_its_wording_and_may_carry_a_key() -> None:
    assert clean_mention(EntryKind.VEHICLE, "  silver  Astra\n").text == "silver Astra"
    assert key_from_text(EntryKind.VEHICLE, "ab51abc") == "AB51ABC"
    assert key_from_text(EntryKind.VEHICLE, "a silver car") is None
    assert key_from_text(EntryKind.PHONE, "07700 900123") == "+447700900123"
    assert key_from_text(EntryKind.ACCOUNT, "Snapchat @Dave") == "snapchat:dave"
    assert key_from_text(EntryKind.PERSON, "Dee") is None
    with pytest.raises(InvalidInput):
        clean_mention(EntryKind.PERSON, "   ")
