"""Who sees a whole NIK or KK number: the one rule, used by every page, list, search, export and PDF
that shows one (both are 16-digit identity numbers, masked the same way).

Kelurahan officers and Dinsos managers register and verify people, so they work with the whole
number. Everyone else who may see a person (front-desk staff looking someone up at intake) gets it
masked (3576********0003). Agency officers never open the registry; what they learn about a person
they are referred is decided by :mod:`referrals.disclosure`: nothing of the NIK without the person's
consent, the whole NIK with it (the consent exists to let the agency act on the person's records).
"""

from onegate.accounts.models import Role

from .nik import mask_nik

FULL_NIK_ROLES = frozenset({Role.KELURAHAN.value, Role.MANAGER.value})


def can_see_full_nik(user) -> bool:
    """Whether ``user`` (a User, or a report's RequesterScope) sees whole NIKs."""
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
        and getattr(user, "role", None) in FULL_NIK_ROLES
    )


def nik_for(user, nik: str | None) -> str:
    """The NIK (or KK number) as ``user`` may see it: whole, masked, or "" when there is none."""
    if not nik:
        return ""
    return nik if can_see_full_nik(user) else mask_nik(nik)
