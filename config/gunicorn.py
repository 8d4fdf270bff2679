"""gunicorn's settings for every web replica: docker-compose, the Dockerfile and `make loadtest` read this file
(`gunicorn -c config/gunicorn.py`).

One process per replica with a few threads, and as many replicas as the machine has cores. A page's first render
of a data version (a publication day) waits on PostgreSQL, Redis or another request's render of the same page;
threads of one process wait without holding a process, and share what the process read once for that version
(common/data_version.py), where separate processes would each read it again. Python runs one thread at a time
per process, so a second core needs a second replica. Measured in docs/benchmarks.md (tenth round).
"""

import os

workers = int(os.environ.get("WEB_CONCURRENCY", "1"))
threads = int(os.environ.get("WEB_THREADS", "4"))
