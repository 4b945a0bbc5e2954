from tests.core.test_settings import PRODUCTION, _run


def test_the_bench_page_is_not_served_without_bench_views(client, db):
    assert client.get("/bench/rows/").status_code == 404


def test_bench_views_outside_demo_mode_stop_the_portal():
    result = _run(["check"], {**PRODUCTION, "BENCH_VIEWS": "1"})
    assert result.returncode != 0
    assert "BENCH_VIEWS" in result.stderr
