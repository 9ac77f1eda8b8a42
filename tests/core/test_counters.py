"""onegate/counters.py: the one gapless counter behind ticket, queue and letter numbers."""

import datetime

import pytest
from django.db import transaction

from complaints.models import QueueCounter, TicketCounter
from onegate.counters import reserve_numbers, take_number
from referrals.models import LetterCounter

pytestmark = pytest.mark.django_db


def test_numbers_start_at_one_and_follow_each_other_per_key():
    day = datetime.date(2026, 3, 2)
    assert [take_number(QueueCounter, day) for _ in range(3)] == [1, 2, 3]
    assert take_number(QueueCounter, day + datetime.timedelta(days=1)) == 1
    assert take_number(LetterCounter, 2026) == 1


def test_a_block_of_numbers_starts_above_the_floor_when_the_counter_lags_behind():
    TicketCounter.objects.create(year=2025, last_number=10)
    assert reserve_numbers(TicketCounter, 2025, 5) == 11
    assert reserve_numbers(TicketCounter, 2025, 5, floor=40) == 41  # rows up to 40 exist already
    assert take_number(TicketCounter, 2025) == 46
    assert reserve_numbers(TicketCounter, 2024, 3, floor=7) == 8  # a new year's row


def test_a_rolled_back_number_is_given_again():
    take_number(LetterCounter, 2027)
    with pytest.raises(RuntimeError), transaction.atomic():
        take_number(LetterCounter, 2027)
        raise RuntimeError
    assert take_number(LetterCounter, 2027) == 2
