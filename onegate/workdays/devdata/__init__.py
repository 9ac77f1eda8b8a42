"""Development only: the demo public holidays. The running portal never imports this package; ``manage.py seed_demo``
finds ``demo.py`` here."""
