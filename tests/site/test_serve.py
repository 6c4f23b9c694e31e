"""`bravely serve` runs gunicorn with workers replaced after a bounded number of requests."""

from bravely.site.management.commands.serve import gunicorn_argv


def test_workers_are_replaced_after_a_bounded_number_of_requests():
    argv = gunicorn_argv("127.0.0.1:8000", 3, 2000)
    assert argv[argv.index("--workers") + 1] == "3"
    assert argv[argv.index("--max-requests") + 1] == "2000"
    assert argv[argv.index("--max-requests-jitter") + 1] == "200"


def test_zero_keeps_workers_for_good():
    assert "--max-requests" not in gunicorn_argv("127.0.0.1:8000", 2, 0)
