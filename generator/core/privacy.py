"""Masking of personal data (emails, phone and card numbers, tokens) in customers' words.

Ticket text, search queries and anything else a customer typed pass through here before they
reach a report or a database.
"""

from __future__ import annotations

import re

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})+")
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"')\]]+", re.IGNORECASE)
_SECRET_PARAM = re.compile(
    r"([?&;#](?:[\w.-]*(?:token|key|secret|password|passwd|pwd|sig|signature|auth|session|sid|code|otp|hash|jwt)[\w.-]*)=)[^&#\s]+",
    re.IGNORECASE,
)
_OPAQUE = re.compile(r"(?<![\w-])(?=[A-Za-z0-9_-]{20,})(?=[A-Za-z_-]*\d)(?=[0-9_-]*[A-Za-z])[A-Za-z0-9_-]{20,}(?![\w-])")
_BEARER = re.compile(
    r"(?<![?&;/=.\w])(bearer|token|api[ _-]?key|secret|password)(\s*[:=]\s*|\s+is\s+|\s+)(?!\[)(?=\S*\d)(\S{8,})",
    re.IGNORECASE,
)
_CARD = re.compile(r"(?<![\d-])(?:\d[ -]?){12,18}\d(?![\d-])")
_PHONE = re.compile(r"(?<![\w/.-])\+?\(?\d[\d\s().-]{5,}\d(?![\w/-])")
_ANY_DIGIT = re.compile(r"\d")
_DIGIT_RUN = re.compile(r"\d[\d\s().+-]{5,}\d")
_DATE_LIKE = re.compile(r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}$|^\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}$|^\d{1,2}:\d{2}")


def _luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _mask_card(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group())
    return "[card]" if 13 <= len(digits) <= 19 and _luhn_ok(digits) else match.group()


def _mask_phone(match: re.Match[str]) -> str:
    text = match.group()
    digits = re.sub(r"\D", "", text)
    if not 7 <= len(digits) <= 15 or _DATE_LIKE.match(text.strip()):
        return text
    has_separator = bool(re.search(r"[\s().-]", text.strip())) or text.startswith("+")
    return "[phone]" if has_separator or len(digits) >= 10 else text


def _mask_url(match: re.Match[str]) -> str:
    url = _SECRET_PARAM.sub(r"\1[token]", match.group())
    return _OPAQUE.sub("[token]", url)


def mask_personal_data(text: str) -> str:
    """Replace emails, phone and card numbers, and tokens (in URLs or named) with [email] etc."""
    if "@" in text:
        text = _EMAIL.sub("[email]", text)
    if "http" in text or "www." in text or "HTTP" in text or "WWW." in text:
        text = _URL.sub(_mask_url, text)
    if not _ANY_DIGIT.search(text):
        return text  # Tokens, cards and phone numbers all hold digits.
    text = _BEARER.sub(lambda m: f"{m.group(1)}{m.group(2)}[token]", text)
    text = _OPAQUE.sub("[token]", text)
    if _DIGIT_RUN.search(text):
        text = _CARD.sub(_mask_card, text)
        text = _PHONE.sub(_mask_phone, text)
    return text
