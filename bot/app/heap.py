"""The garbage collector, tuned for a long-running bot process.

Handling an update makes many short-lived objects (python-telegram-bot's objects for every
update and every reply, SQLAlchemy's rows and results), and CPython's cycle collector runs
after every 700 new container objects. Each of its full collections walks every object in
the process: the libraries, the compiled questionnaires, everything loaded at start-up,
which is still there when the process ends. Measured in the conversation benchmark
(BENCHMARKS.md), collections took 4 % of the bot's CPU, and a full collection stopped the
event loop for about 50 ms.

:func:`settle` is called once the bot has started: what exists then is moved out of the
collector's sight (``gc.freeze``), and the youngest generation may grow larger before it
is collected. Reference counting still frees almost everything at once; the collector is
only for reference cycles, and it keeps running, less often.
"""

from __future__ import annotations

import gc

#: New container objects before the youngest generation is collected (CPython: 700).
YOUNGEST = 10_000


def settle() -> None:
    """Freeze what start-up loaded and collect the youngest generation less often."""
    gc.collect()
    gc.freeze()
    _, middle, oldest = gc.get_threshold()
    gc.set_threshold(YOUNGEST, middle, oldest)
