"""Fixtures of the export tests."""

import pytest
from django.test.utils import override_settings


@pytest.fixture
def _small_threshold():
    """Every export above two rows is a background job, so a few cases make one."""
    with override_settings(EXPORT_BACKGROUND_ROWS=2, EXPORT_LINK_MINUTES=60):
        yield
