"""What the tests and the benchmarks (``bench/``) share: free ports that cannot race
(:mod:`tests.support.ports`) and ``samenspraak`` in a child process
(:mod:`tests.support.processes`).

Nothing here imports pytest or the tests' fixtures: ``python -m bench`` imports it too.
"""
