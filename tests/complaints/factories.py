from complaints import services
from complaints.models import Category, Channel


def category(name="Kesehatan/BPJS PBI"):
    if not Category.objects.exists():  # a transactional test before this one flushed the migration's rows
        from complaints.reference import load_categories

        load_categories(Category)
    return Category.objects.get(name=name, parent=None)


def make_complaint(user, **overrides):
    """A complaint recorded through the service, as the desk does it."""
    from tests.factories import PersonFactory

    data = {
        "channel": Channel.WALK_IN,
        "complainant_name": "Siti Aminah",
        "complainant_phone": "0812-3456-7890",
        "category": category(),
        "description": "Kartu BPJS tidak aktif.",
    }
    if "subject" not in overrides and "region" not in overrides:
        data["subject"] = PersonFactory()
    data.update(overrides)
    return services.complaint_create(data=data, acting_user=user)
