"""Development only: the complaint desk's demo data (demo.py) and synthetic complaints for benchmarks (synthetic.py). The running portal never imports this package; ``manage.py seed_demo``
finds ``demo.py`` here, ``manage.py generate_casework`` uses ``synthetic.py``."""
