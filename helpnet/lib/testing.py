"""Helpers for the tests of several apps (imported by tests only)."""

import threading
from collections.abc import Callable, Iterable
from typing import Any

from django.db import connections


def run_together(work: Iterable[Callable[[], Any]]) -> list[BaseException]:
    """Run each callable in its own thread (and so its own database connection), all released at once by a
    barrier; the errors they raised, for the test to check."""
    work = list(work)
    barrier = threading.Barrier(len(work))
    errors: list[BaseException] = []

    def runner(fn: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            fn()
        except BaseException as error:  # collected and checked by the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner, args=(fn,)) for fn in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors
