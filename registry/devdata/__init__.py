"""Development only: the registry's demo data (demo.py) and the synthetic households and people for benchmarks (synthetic.py). The running portal never imports this package; ``manage.py seed_demo``
finds ``demo.py`` here, ``manage.py generate_people`` and the benchmark scripts use ``synthetic.py``."""
