"""Phone numbers as residents type them."""

import re


def phone_digits(phone: str) -> str:
    """The comparable part of an Indonesian phone number: +62 812…, 62812… and 0812… are the same."""
    digits = re.sub(r"\D", "", phone or "")
    if digits.startswith("62"):
        digits = "0" + digits[2:]
    return digits
