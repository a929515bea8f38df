"""Work that must not run inside the request, such as sending mail.

A password reset sends mail only when the address has an account; doing that in the
request would let its timing tell who has one. The work runs in one worker thread per
process, in order; each job closes its own database connections.
"""

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from django.db import connections

logger = logging.getLogger(__name__)

executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="guide-background")


def run_job(job: Callable, /, *args, **kwargs) -> None:
    try:
        job(*args, **kwargs)
    except Exception:
        logger.exception("Background job %s failed", getattr(job, "__qualname__", job))
    finally:
        connections.close_all()


def run_later(job: Callable, /, *args, **kwargs) -> Future:
    """Run `job(*args, **kwargs)` in the background; its errors are logged."""
    return executor.submit(run_job, job, *args, **kwargs)


def wait_for_jobs(timeout: float = 30) -> None:
    """Wait until every job submitted so far has run (the worker takes them in order)."""
    executor.submit(lambda: None).result(timeout=timeout)
