"""gunicorn's settings for every web replica: docker-compose, the Dockerfile and `make loadtest` read this file
(`gunicorn -c config/gunicorn.py`).

One process per replica with two threads, and as many replicas as the machine has cores. A page's first render
of a data version (a publication day) waits on PostgreSQL, Redis or another request's render of the same page;
threads of one process wait without holding a process, and share what the process read once for that version
(common/data_version.py), where separate processes would each read it again. Python runs one thread at a time
per process, so a second core needs a second replica; and more threads share that one core among more first
renders at once, each of which then ends later (run 5 of `make loadtest`: p99 ÷ p50 at medians of 3.8–4.9 with
two threads, 5.1 with three, 5.2 with four, 6.0 with three single-threaded processes; docs/benchmarks.md).
"""

import os

workers = int(os.environ.get("WEB_CONCURRENCY", "1"))
threads = int(os.environ.get("WEB_THREADS", "2"))
