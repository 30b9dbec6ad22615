"""Racing writers in tests: several threads, each on its own database connection, released at the same moment."""

import threading

from django.db import connection


def at_once(n: int, send) -> list:
    """`send(i)` for i in 0..n-1, each in its own thread, released together by a barrier; their results in order
    (an exception raised is the result: the caller's assertions report it). Each thread closes its connection."""
    barrier, results = threading.Barrier(n), [None] * n

    def run(i):
        try:
            barrier.wait()
            results[i] = send(i)
        except Exception as exc:  # noqa: BLE001 (reported by the caller's assertions)
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results
