"""What personal data a text seems to hold: the kinds the template checks look for, found by
pattern and never quoted.

Dates of birth (near a birth key or word), NHS numbers (with a valid check
digit), postcodes, phone numbers and email addresses. Apart from reporting
(``personal.py``), so that what a message may write out (``findings.nameable``)
can ask it too.
"""

from __future__ import annotations

import re
from datetime import date

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_ISO_DATE = r"(?P<iso_y>\d{4})-(?P<iso_m>\d{2})-(?P<iso_d>\d{2})"
_NUMERIC_DATE = r"(?P<num_d>\d{1,2})[/.-](?P<num_m>\d{1,2})[/.-](?P<num_y>\d{4})"
_WORDED_DATE = (
    r"(?P<word_d>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<word_m>"
    + "|".join(sorted(_MONTHS, key=len, reverse=True))
    + r")\.?,?\s+(?P<word_y>\d{4})"
)
_DATE_IN_TEXT = re.compile(rf"(?<!\d)(?:{_ISO_DATE}|{_NUMERIC_DATE}|{_WORDED_DATE})(?!\d)", re.IGNORECASE)
_BIRTH_KEY = re.compile(r"birth|(?:^|[^a-z])dob(?:[^a-z]|$)", re.IGNORECASE)
_BIRTH_WORD = re.compile(r"\b(?:born|d\.?o\.?b)\b\.?", re.IGNORECASE)
# "born on the 1st of May 2004", "DOB: 01/05/2004": a date soon after the word.
_BIRTH_WORD_REACH = 30
_DATE_LENGTH = 64  # the longest a date found there is read to ("1st of September, 2004" and spaces)

_NHS_NUMBER = re.compile(r"(?<![\d])(\d{3})([ -]?)(\d{3})\2(\d{4})(?![\d])")
_POSTCODE = re.compile(
    r"\b(?:GIR ?0AA|(?:[A-PR-UWYZ][0-9][0-9]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9]?|[A-PR-UWYZ][0-9][A-HJKPSTUW]"
    r"|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY]) ?[0-9][ABD-HJLNP-UW-Z]{2})\b",
    re.IGNORECASE,
)
# A UK number: 0 or +44 (with an optional "(0)"), then 01, 02, 03 or 07 and
# nine or ten digits in all, spaced or bracketed however people write them.
_PHONE = re.compile(r"(?<![\w+])(?:\+44[ -]?(?:\(0\)[ -]?)?|\(?0)[1237](?:[ -]?\)?[ -]?\d){8,9}(?!\d)")
# The look-behind starts a match only where a run of such characters starts:
# without it a long run with no "@" is tried from each of its characters in turn.
_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")

EARLIEST_BIRTH = date(1900, 1, 1)


def is_valid_nhs_number(digits: str) -> bool:
    """The NHS number's modulus 11 check: weights 10 down to 2 on the first nine digits."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    if check == 10:
        return False
    return check == int(digits[9])


def _date_from_match(match: re.Match[str]) -> date | None:
    groups = match.groupdict()
    try:
        if groups["iso_y"]:
            return date(int(groups["iso_y"]), int(groups["iso_m"]), int(groups["iso_d"]))
        if groups["num_y"]:
            # UK order: day first.
            return date(int(groups["num_y"]), int(groups["num_m"]), int(groups["num_d"]))
        return date(int(groups["word_y"]), _MONTHS[groups["word_m"].lower()], int(groups["word_d"]))
    except ValueError:
        return None


def _is_plausible_birth(day: date | None, today: date) -> bool:
    return day is not None and EARLIEST_BIRTH <= day <= today


def _holds_birth_date(text: str, key: str | None, today: date) -> bool:
    if key is not None and _BIRTH_KEY.search(key) is not None:
        candidates = list(_DATE_IN_TEXT.finditer(text))
    else:
        candidates = [
            found
            for word in _BIRTH_WORD.finditer(text)
            # Searched only as far as a date soon after the word could run: to the end of a long
            # text from each "born" in it took minutes (a template's prose, in pre-commit).
            if (
                found := _DATE_IN_TEXT.search(text, word.end(), word.end() + _BIRTH_WORD_REACH + _DATE_LENGTH)
            )
            is not None
            and found.start() - word.end() <= _BIRTH_WORD_REACH
        ]
    return any(_is_plausible_birth(_date_from_match(match), today) for match in candidates)


def personal_data_kinds(text: str, key: str | None = None, today: date | None = None) -> list[str]:
    """The kinds of personal data a value seems to hold: what to say, never the value."""
    today = today or date.today()
    kinds: list[str] = []
    if _holds_birth_date(text, key, today):
        kinds.append("a date of birth")
    for match in _NHS_NUMBER.finditer(text):
        digits = match.group(1) + match.group(3) + match.group(4)
        # 0000000000 and 1111111111 pass the check digit but are nobody's number.
        if len(set(digits)) > 1 and is_valid_nhs_number(digits):
            kinds.append("an NHS number")
            break
    if _POSTCODE.search(text):
        kinds.append("a UK postcode")
    if _PHONE.search(text):
        kinds.append("a UK phone number")
    if _EMAIL.search(text):
        kinds.append("an email address")
    return kinds
