from io import StringIO

from django.core.management import call_command

from helpnet.directory.demo.bench import percentile, search_urls


def test_percentile_uses_the_nearest_rank():
    times = [float(n) for n in range(1, 101)]
    assert (percentile(times, 50), percentile(times, 95), percentile(times, 99)) == (50.0, 95.0, 99.0)


def test_search_urls_are_the_same_for_the_same_seed():
    assert search_urls(20, seed=1) == search_urls(20, seed=1)


def test_search_urls_point_at_the_slovenian_results_page():
    assert all(url.startswith("/sl/search/") for url in search_urls(20, seed=1))


def test_bench_pages_reports_both_pages_without_errors(db):
    out = StringIO()
    call_command("bench_pages", "--use-current-db", "--services=20", "--requests=5", stdout=out)
    lines = out.getvalue().splitlines()
    for label in ("results page", "service page"):
        line = next(line for line in lines if line.startswith(label))
        assert "p95" in line
        assert line.endswith("non-200 0")
        assert "cpu p50" in line
