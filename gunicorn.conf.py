"""gunicorn's settings, read from the working directory (the Dockerfile's,
docker-compose's and `make bench`'s server).

Workers: two per CPU unless ``WEB_CONCURRENCY`` says otherwise. A page served
from the page cache spends a good part of its few milliseconds waiting for
PostgreSQL and Redis, so a second worker per CPU fills those waits: measured
on 2 CPUs with the partnership home at 8 concurrent clients, 2 workers gave
about 200 pages a second and 4 workers about 380 (docs/benchmarks.md).
Synchronous workers: each request is short and the database connection is
kept per worker (``DJANGO_CONN_MAX_AGE``)."""

import multiprocessing
import os

workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count()))
worker_class = "sync"
