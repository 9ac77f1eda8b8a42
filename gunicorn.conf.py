"""gunicorn's settings for the portal: read from the working directory by `gunicorn onegate.wsgi`
(the Dockerfile, docker-compose.yml and `make bench`); the command line adds bind and workers."""

import gc


def post_worker_init(worker):
    # What the app creates as it loads (models, URL patterns, compiled templates) lives as long as
    # the worker: frozen, a full garbage collection no longer walks it (measured: one ~110 ms pause
    # every ~200 person pages, ~0.5 ms a request on average).
    gc.freeze()
