"""The public-value scorecard: answers on 0..100, pooled per dimension."""

from __future__ import annotations

import pytest

from analysis.figures import DimensionScore, Distribution
from analysis.scorecard import normalised, scorecard
from flows.schema import Questionnaire


def test_normalised(proef: Questionnaire) -> None:
    tevreden, cijfer, gehoord, melding = (
        proef.question(q) for q in ("tevreden", "cijfer", "gehoord", "melding")
    )
    assert [normalised(tevreden, v) for v in (1, 2, 3, 4, 5)] == [0, 25, 50, 75, 100]
    assert normalised(cijfer, 7) == pytest.approx(70)
    assert (normalised(gehoord, "yes"), normalised(gehoord, "no")) == (100, 0)
    assert normalised(melding, "ja") is None  # choice questions are not scored
    assert normalised(tevreden, None) is None
    assert normalised(tevreden, 9) is None  # outside the range
    assert normalised(tevreden, True) is None


def test_scorecard_pools_answers_per_dimension(proef: Questionnaire) -> None:
    distributions = [
        Distribution("tevreden", "scale", 4, 0, (("1", 1), ("5", 3))),  # 0, 100, 100, 100
        Distribution("cijfer", "scale", 2, 0, (("0", 0), ("4", 2))),  # 40, 40
        Distribution("gehoord", "yesno", 4, 1, (("yes", 1), ("no", 3))),  # 100, 0, 0, 0
        Distribution("melding", "choice", 9, 0, (("ja", 9),)),  # not scored
    ]
    assert scorecard(proef, distributions) == (
        DimensionScore("dienstverlening", 75.0, 4),
        DimensionScore("bestuur", pytest.approx(180 / 6), 6),  # type: ignore[arg-type]
    )
    assert scorecard(proef, []) == (
        DimensionScore("dienstverlening", None, 0),
        DimensionScore("bestuur", None, 0),
    )
