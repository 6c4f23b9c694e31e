"""Only with BRAVELY_BENCHMARK_FLOOR (bench/run.py): the time each request spent inside the
worker, from the outermost middleware, in a `Server-Timing: app;dur=<ms>, cpu;dur=<ms>` response
header (wall time, and the CPU time of the request's thread), so that the benchmark can tell server
time from the time spent queueing on a loaded machine, and work from waiting for a core."""

import time


class ServerTimingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started, cpu = time.perf_counter(), time.thread_time()
        response = self.get_response(request)
        response["Server-Timing"] = (f"app;dur={(time.perf_counter() - started) * 1000:.2f}, "
                                     f"cpu;dur={(time.thread_time() - cpu) * 1000:.2f}")
        return response
