"""Run by tests/loaders/test_bulk_read.py: a planner that starts reading ahead, says its
reader's pid, then waits to be killed."""

import multiprocessing
import sys
import time

from screengraph.loaders.bulk_read import read_ahead
from screengraph.loaders.sources import read_all

if __name__ == "__main__":
    items = read_ahead(read_all([sys.argv[1]]), None, lambda lines: None)
    next(items)
    (reader,) = multiprocessing.active_children()
    print(reader.pid, flush=True)
    time.sleep(600)
