import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Certificate PDFs of each test go to its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
