"""Shared test set-up: Qt offscreen, a private user-data dir, seeded randomness."""

import os
import random

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _isolated(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("MGUV_DATA_DIR", str(tmp_path_factory.mktemp("userdata")))
    random.seed(1234)
    np.random.seed(1234)
    yield
