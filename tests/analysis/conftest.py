"""The questionnaire the pure digest tests compute figures for."""

from __future__ import annotations

import pytest

from flows.loader import load_file
from flows.schema import Questionnaire
from tests.digest.helpers import PROEF


@pytest.fixture(scope="module")
def proef() -> Questionnaire:
    return load_file(PROEF)
