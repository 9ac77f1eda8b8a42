"""Development only: the core's demo data: regions, agencies and the demo accounts. The running portal never imports this package; ``manage.py seed_demo``
finds ``demo.py`` here."""
