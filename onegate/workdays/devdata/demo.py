"""Demo holidays: Indonesia's 2026 national holidays and collective leave, as an administrator
would enter them from the government's joint decree (SKB). Check the official list before use."""

import datetime

from onegate import demo

from ..models import Holiday

HOLIDAYS_2026 = [
    ("2026-01-01", "Tahun Baru 2026 Masehi"),
    ("2026-01-16", "Isra Mikraj Nabi Muhammad SAW"),
    ("2026-02-17", "Tahun Baru Imlek 2577 Kongzili"),
    ("2026-03-19", "Hari Suci Nyepi"),
    ("2026-03-20", "Idul Fitri 1447 H"),
    ("2026-03-23", "Cuti bersama Idul Fitri"),
    ("2026-03-24", "Cuti bersama Idul Fitri"),
    ("2026-04-03", "Wafat Yesus Kristus"),
    ("2026-05-01", "Hari Buruh Internasional"),
    ("2026-05-14", "Kenaikan Yesus Kristus"),
    ("2026-05-27", "Idul Adha 1447 H"),
    ("2026-06-01", "Hari Lahir Pancasila"),
    ("2026-06-16", "Tahun Baru Islam 1448 H"),
    ("2026-08-17", "Hari Kemerdekaan RI"),
    ("2026-08-25", "Maulid Nabi Muhammad SAW"),
    ("2026-12-24", "Cuti bersama Hari Raya Natal"),
    ("2026-12-25", "Hari Raya Natal"),
]


@demo.register(order=1, name="holidays")
def seed_holidays(say):
    created = 0
    for day, name in HOLIDAYS_2026:
        created += Holiday.objects.get_or_create(date=datetime.date.fromisoformat(day), defaults={"name": name})[1]
    say(f"{created} holidays added, {len(HOLIDAYS_2026) - created} already there")
