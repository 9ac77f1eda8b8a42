"""Development only: the demo service directory (directory.py), the referrals' demo data (demo.py) and synthetic referrals for benchmarks (synthetic.py). The running portal never imports this package; ``manage.py seed_demo``
finds ``demo.py`` here, ``manage.py generate_casework`` uses ``synthetic.py``."""
