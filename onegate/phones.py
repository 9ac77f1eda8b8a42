"""Phone numbers as residents type them: one comparable form, the international form a gateway
sends to, and the masked form lists show."""

import re


def phone_digits(phone: str) -> str:
    """The comparable part of an Indonesian phone number: +62 812…, 62812… and 0812… are the same."""
    digits = re.sub(r"\D", "", phone or "")
    if digits.startswith("62"):
        digits = "0" + digits[2:]
    return digits


def is_mobile(phone: str) -> bool:
    """Whether the number can receive an SMS or WhatsApp message: an Indonesian mobile number
    (08…, 10 to 13 digits)."""
    digits = phone_digits(phone)
    return digits.startswith("08") and 10 <= len(digits) <= 13


def international(phone: str) -> str:
    """+62812…, as SMS and WhatsApp providers take it."""
    digits = phone_digits(phone)
    return "+62" + digits[1:] if digits.startswith("0") else "+" + digits


def mask_phone(phone: str) -> str:
    """0812****7890: enough for an officer to tell two numbers apart, not to call one."""
    digits = phone_digits(phone)
    if len(digits) < 8:
        return "*" * len(digits)
    return digits[:4] + "*" * (len(digits) - 8) + digits[-4:]
