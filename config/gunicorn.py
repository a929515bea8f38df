"""gunicorn settings; `--bind` comes from the Makefile (HOST and PORT) or tests/cluster.py."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("DJANGO_VAR_DIR", BASE_DIR / "var"))

workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Threads let reads go on while writes wait for the database: on SQLite at most half of them
# may wait to write (guide.platform.outages), for at most the 5 s busy timeout.
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = 30
graceful_timeout = 10
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# gunicorn's control socket (gunicornc) belongs to this instance, under its own var/, not
# the user-wide ~/.gunicorn/gunicorn.ctl that every instance on a host would share. A Unix
# socket path is limited to about 100 bytes: a deeper var/ goes without one.
control_socket = str(VAR_DIR / "gunicorn.ctl")
control_socket_disable = len(control_socket.encode()) > 100
