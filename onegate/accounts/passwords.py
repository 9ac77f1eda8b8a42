"""Password rules of our own, beside Django's validators (settings.AUTH_PASSWORD_VALIDATORS)."""

from django.core.exceptions import ValidationError
from django.utils.translation import ngettext


class DistinctCharactersValidator:
    """Refuses passwords made of a few characters repeated ("aaaaaaaaaaaa", "abababababab"): long
    enough for the length rule, guessed at once."""

    def __init__(self, min_distinct: int = 6):
        self.min_distinct = min_distinct

    def validate(self, password, user=None):
        if len(set(password)) < self.min_distinct:
            message = ngettext(
                "This password has too few different characters. It must contain at least %(min_distinct)d "
                "different character.",
                "This password has too few different characters. It must contain at least %(min_distinct)d "
                "different characters.",
                self.min_distinct,
            )
            raise ValidationError(
                message, code="password_too_few_distinct_characters", params={"min_distinct": self.min_distinct}
            )

    def get_help_text(self):
        return ngettext(
            "Your password must contain at least %(min_distinct)d different character.",
            "Your password must contain at least %(min_distinct)d different characters.",
            self.min_distinct,
        ) % {"min_distinct": self.min_distinct}
