"""Phone numbers as residents type them (the helpers live in the core: the resident messages use them too)."""

from onegate.phones import phone_digits

__all__ = ["phone_digits"]
