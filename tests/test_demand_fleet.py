"""Fleet estimator: de Vries 2023, serving capacity via inference, shipments, bad input."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gigawatt.demand.fleet import estimate_fleet, installed_base, surviving_fraction
from gigawatt.errors import UserInputError


def test_devries_2023_chatgpt() -> None:
    """de Vries 2023: 3,617 HGX A100 servers x 6.5 kW x 24 h = 564 MWh/day; / 195M requests =
    2.9 Wh per request (server boundary: PUE 1, full power)."""
    res = estimate_fleet(
        system="hgx-a100",
        count=3617,
        utilization=1.0,
        pue=1.0,
        model=None,
        overrides={"busy_power_fraction": 1.0, "idle_power_fraction": 0.3},
        samples=1,
    )
    per_day_mwh = res.evaluation.central("power_w") * 86400 / 3.6e9
    assert per_day_mwh == pytest.approx(564, rel=0.005)
    assert per_day_mwh * 1e6 / 195e6 == pytest.approx(2.9, rel=0.01)
    assert res.evaluation.central("energy_per_year_j") == pytest.approx(
        res.evaluation.central("power_w") * 365.25 * 86400
    )


def test_dgx_h100_all_in_power_and_tokens() -> None:
    """1.5M H100 at DGX H100 10.2 kW / 8 = 1,275 W max, 80% busy-power, always busy, PUE 1.2:
    1.5e6 x 1275 x 0.8 x 1.2 = 1.836 GW. Tokens/person/day = count x tokens/s x 86,400 / people."""
    res = estimate_fleet(
        accelerator="h100",
        count=1.5e6,
        utilization=1.0,
        pue=1.2,
        model="llama-3.1-8b",
        batch=64,
        population=8e9,
        overrides={"busy_power_fraction": 0.8, "idle_power_fraction": 0.3},
        samples=1,
    )
    assert res.evaluation.central("power_w") == pytest.approx(1.5e6 * 1275 * 0.8 * 1.2)
    per_acc = res.evaluation.central("serving_tokens_per_s_per_accelerator")
    assert res.evaluation.central("tokens_per_person_per_day") == pytest.approx(
        1.5e6 * per_acc * 86400 / 8e9
    )
    # Prefill included (interleaved): the steady-state rate batch / mixed step / N.
    mixed_rate = (
        64 / res.evaluation.central("mixed_step_time_s") / res.evaluation.central("accelerators")
    )
    assert per_acc == pytest.approx(mixed_rate, rel=1e-9)


def test_json_keys() -> None:
    d = estimate_fleet(accelerator="h100", count="1M to 2M", samples=500).to_dict()
    for key in ("power_w", "energy_per_year_j", "tokens_per_person_per_day"):
        assert set(d[key]) == {"median", "mean", "p5", "p95"}
        assert d[key]["p5"] < d[key]["p95"]


@settings(max_examples=20, deadline=None)
@given(st.floats(min_value=0.01, max_value=0.99), st.floats(min_value=0.0, max_value=0.5))
def test_more_utilization_more_power(u: float, extra: float) -> None:
    def p(util: float) -> float:
        return estimate_fleet(
            accelerator="h100",
            count=1000,
            utilization=min(util, 1.0),
            model=None,
            pue=1.1,
            samples=1,
        ).evaluation.central("power_w")

    assert p(u + extra) >= p(u)


def test_surviving_fraction_and_installed_base() -> None:
    year = 365.25 * 86400
    life = np.array([4 * year])
    assert surviving_fraction(np.array(1 * year), life)[0] == 1.0  # before 0.5 lifetimes
    assert surviving_fraction(np.array(4 * year), life)[0] == pytest.approx(0.5)
    assert surviving_fraction(np.array(7 * year), life)[0] == 0.0
    # 1M shipped 2 years ago and 2M this year, lifetime 4 years -> all still installed.
    base = installed_base({2023: 1e6, 2025: 2e6, 2026: 5e6}, 2025, "4 years", n=1)
    assert base[0] == pytest.approx(3e6)


def test_shipments_api() -> None:
    res = estimate_fleet(
        accelerator="h100",
        shipments={2023: "1.2M", 2024: "1.5M to 2M"},
        year=2025,
        model=None,
        samples=2000,
    )
    assert res.summary("power_w").median > 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"accelerator": "h100", "count": "1M", "utilization": 1.5}, "fraction"),
        ({"accelerator": "h100", "count": "1M", "pue": 0.5}, "below 1"),
        ({"accelerator": "h100", "system": "dgx-h100", "count": "1M"}, "exactly one"),
        ({"accelerator": "h100", "count": "-5"}, "negative|at least 1"),
        ({"accelerator": "h10", "count": "1M"}, "h100"),
        ({"accelerator": "h100", "count": "1M", "population": "8 kW"}, "people"),
    ],
)
def test_bad_input(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(UserInputError, match=message):
        estimate_fleet(samples=10, **kwargs)  # type: ignore[arg-type]
