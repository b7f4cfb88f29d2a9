"""One validator per physical quantity: the values a node, a catalogue field or an option may take.

Every value that enters a graph (a ``--set`` override, a CLI option, a claim's input, a
catalogue number) is checked here by the quantity its *name* denotes (``pue``, ``mbu``,
``tdp_w``, ``accelerator_count``...), so the catalogue, claim files and the CLI cannot disagree
about what a PUE or a fraction may be.

A :class:`Rule` gives the quantity's **domain** (values that are physically possible: a fraction
lies in (0, 1], a PUE is at least 1, a count is a whole number of at least 1) and, optionally, a
**plausible** range (values that are possible but unlikely for the device: 6.5 kW is a
server's power, not one accelerator's). A value outside the domain is a
:class:`~gigawatt.errors.UserInputError`; a value outside the plausible range is a warning
(:func:`plausibility_warnings`).

The whole **support** of a distribution is checked, not its 5th and 95th percentiles:
``normal(0.5, 0.3)`` on a fraction puts 9.6% of its samples outside (0, 1] and is refused;
``uniform(0, 0.5)`` on a fraction reaches 0 and is refused. Distributions with unbounded
support (normal, lognormal) may put at most :data:`TAIL_TOLERANCE` of their mass outside the
domain (a lognormal "0.3 to 0.6" on a fraction puts 2e-5 above 1 and passes).

Names that carry no unit and are plain numbers (ratios, counts, calendar years) are listed in
:data:`PLAIN_NUMBER_NODES` and :data:`PLAIN_NUMBER_PREFIXES`; every other graph node name must
resolve to a dimension through :func:`gigawatt.units.dimension_of_name` (a test holds this).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from gigawatt.dist import Dist, LogNormal, Normal, Point, Triangular, Uniform
from gigawatt.errors import UserInputError
from gigawatt.units import J_PER_KWH, SECONDS_PER_YEAR

__all__ = [
    "COUNTED_AS",
    "PLAIN_NUMBER_NODES",
    "PLAIN_NUMBER_PREFIXES",
    "TAIL_TOLERANCE",
    "Rule",
    "UnusualValueWarning",
    "check_dist",
    "check_series",
    "is_plain_number_node",
    "plausibility_warnings",
    "rule_for",
    "warn_if_unusual",
]

#: Largest share of a normal's or lognormal's mass allowed outside a quantity's domain.
TAIL_TOLERANCE = 0.01

#: kg/J of one kg/kWh (carbon intensities are written per kWh).
_KG_PER_J_PER_KG_PER_KWH = 1.0 / J_PER_KWH


@dataclass(frozen=True)
class Rule:
    """The domain (and plausible range) of one kind of quantity, in SI units.

    ``low``/``high`` bound the domain (``None``: unbounded); ``low_open`` excludes ``low``
    itself. ``whole`` asks for whole numbers (a point value of 1.5 accelerators is an error).
    ``plausible`` is a (low, high) range outside which a value draws a warning; ``what`` names
    the quantity in messages and ``hint`` suggests a valid value.
    """

    what: str
    low: float | None = 0.0
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    whole: bool = False
    plausible: tuple[float, float] | None = None
    hint: str = ""
    #: Display unit of messages and the SI value of one of it (``("kg/kWh", 1/3.6e6)``).
    display: tuple[str, float] = ("", 1.0)

    def show(self, value: float) -> str:
        """``value`` [SI] in the display unit: ``1.2 kg/kWh``, ``100 kW``, ``0.5``."""
        unit, si = self.display
        if not unit:
            return f"{value:g}"
        if unit == "W":
            from gigawatt.units import format_quantity

            return format_quantity(value, "W")
        if unit.startswith("%"):  # a rate shown in percent: ``-100%/yr``
            return f"{value / si:g}{unit}"
        return f"{value / si:g} {unit}"

    def describe_domain(self) -> str:
        """The domain in words: ``in (0, 1]``, ``in [1, 10]``, ``at least 1``, ``above 0``."""
        if self.whole and self.low is not None and self.high is not None:
            return f"at least {self.show(self.low)} and at most {self.show(self.high)}"
        if self.low is not None and self.high is not None:
            left = "(" if self.low_open else "["
            right = ")" if self.high_open else "]"
            return f"in {left}{self.show(self.low)}, {self.show(self.high)}{right}"
        if self.low is not None:
            return f"{'above' if self.low_open else 'at least'} {self.show(self.low)}"
        if self.high is not None:
            return f"at most {self.show(self.high)}"
        return "a finite number"

    def violation(self, value: float) -> str:
        """How ``value`` breaks the domain: ``below 1``, ``above 1``, ``not above 0``."""
        if self.low is not None and value < self.low:
            return f"below {self.show(self.low)}"
        if self.low is not None and value == self.low:
            return f"not above {self.show(self.low)}"
        if self.high is not None and value == self.high:
            return f"not below {self.show(self.high)}"
        return f"above {self.show(self.high if self.high is not None else value)}"

    def contains(self, value: float) -> bool:
        """Whether ``value`` lies in the domain."""
        if not math.isfinite(value):
            return False
        if self.low is not None and (value < self.low or (self.low_open and value == self.low)):
            return False
        return not (
            self.high is not None and (value > self.high or (self.high_open and value == self.high))
        )


FRACTION = Rule("a fraction", 0.0, 1.0, low_open=True, hint="'0.3 to 0.6'")
#: Largest count accepted (10^15: a million times the accelerators in the world today).
MAX_COUNT = 1e15
COUNT = Rule("a count", 1.0, MAX_COUNT, whole=True, hint="'8' or '1M to 2M'")
POSITIVE = Rule("a positive quantity", 0.0, None, low_open=True)
NON_NEGATIVE = Rule("a quantity that cannot be negative", 0.0, None)
#: Power of one accelerator (chip TDP or its all-in share of a server): a few W to a few kW.
PER_ACCELERATOR_POWER = Rule(
    "a power per accelerator",
    0.0,
    1e5,
    low_open=True,
    plausible=(10.0, 3000.0),
    hint="'700 W'",
    display=("W", 1.0),
)

#: Growth rates are fractions per year (0.3 = +30 %/yr, 1.0 doubles every year). Above
#: :data:`GROWTH_PLAUSIBLE_MAX` (5x a year) a value draws a warning: the fastest sustained
#: trend of an AI quantity on record is the training compute of frontier models, 4-5x a year
#: 2010-2024 (Epoch AI, catalogue source ``epoch-2024-power-trend``'s note: compute ~4x/yr).
GROWTH_PLAUSIBLE_MAX = 4.0
#: Above :data:`GROWTH_MAX` (101x a year) a growth rate is an error: twice the fastest
#: one-year growth on record, Google's tokens processed per month, 9.7 T (Apr-May 2024) to
#: 480 T (Apr-May 2025), 49x (catalogue source ``google-2025-tokens``). Compounded over the
#: outlook's decade, 101x a year is a factor of 10^20.
GROWTH_MAX = 100.0
GROWTH = Rule(
    "a growth rate per year",
    -1.0,
    GROWTH_MAX,
    low_open=True,
    plausible=(-0.5, GROWTH_PLAUSIBLE_MAX),
    hint="'0.3' (a fraction per year: 0.3 is +30%/yr, 1 doubles, -1 would be -100%/yr)",
    display=("%/yr", 0.01),
)
#: A share of a whole that may be zero (the share of world clean additions serving AI).
SHARE = Rule("a share", 0.0, 1.0, hint="'0.05 to 0.2'; give percentages as fractions")
#: A yearly decline or efficiency gain: x (1 - rate) a year; 1 would reach zero in a year.
DECLINE = Rule(
    "a yearly decline (a fraction)", 0.0, 1.0, high_open=True, hint="'0.15 to 0.5' (-15%/yr)"
)
#: The yearly factor by which a growth rate slows (growth(y) = growth(y0) x decay^(y - y0)).
GROWTH_DECAY = Rule(
    "a yearly decay factor of growth",
    0.0,
    2.0,
    plausible=(0.3, 1.0),
    hint="'0.6 to 0.95' (below 1 slows growth; 0.8 halves it in about 3 years)",
)

#: Parameters of a model: at least one weight. Above 10^13 (ten trillion, five times the
#: largest models reported in 2025, ~2T) a value draws a warning; above :data:`MAX_COUNT` it is
#: an error like any count.
PARAMETER_COUNT = Rule(
    "a parameter count", 1.0, MAX_COUNT, plausible=(1e6, 1e13), hint="'70B' or '100B to 400B'"
)

#: One side of a generated image or video frame [px]. Above 4096 px (4K; the catalogue's
#: image and video models are trained at up to 2048 px) a value draws a warning; above
#: 16384 px (16K, beyond any display standard: 8K UHD is 7680 px) it is an error (guesses,
#: labelled: the attention cost grows with the square of the pixels, far outside any
#: measurement).
IMAGE_SIDE = Rule(
    "an image side in pixels", 1.0, 16384.0, whole=True, plausible=(64.0, 4096.0), hint="1024"
)
#: Frames of one generated clip. Above 1000 (40 s at 24 fps; the catalogue's video models
#: generate 49-129 frames) a warning; above 86,400 (an hour at 24 fps) an error (guesses,
#: labelled).
FRAMES = Rule("a number of frames", 1.0, 86_400.0, whole=True, plausible=(1.0, 1000.0), hint="49")

#: Rules by exact node or field name.
EXACT_RULES: dict[str, Rule] = {
    **{
        name: FRACTION
        for name in (
            "mfu",
            "mbu",
            "power_fraction_full",
            "memory_bound_activity",
            "memory_usable_fraction",
            "serving_utilization",
            "utilization",
            "busy_power_fraction",
            "power_fraction_training",
            "decode_activity",
            "prefill_activity",
            "capacity_factor",
            "cfe",
            "attention_mbu",
            "overhead_activity",
            "interconnect_utilization",
            "goodput",
        )
    },
    "idle_power_fraction": Rule("a fraction", 0.0, 1.0, hint="'0.2 to 0.3'"),
    "people": Rule("a population", 1.0, 1e11, plausible=(1.0, 1.1e10), hint="'8.1e9'"),
    "pue": Rule(
        "a PUE",
        1.0,
        10.0,
        plausible=(1.0, 3.0),
        hint="'1.1 to 1.4'; PUE cannot be below 1, as IT energy is part of facility energy",
    ),
    **{
        name: COUNT
        for name in (
            "batch",
            "accelerators",
            "accelerator_count",
            "count",
            "prompt_tokens",
            "output_tokens",
            "steps",
            "layers",
            "attention_heads",
            "kv_heads",
            "head_dim",
            "hidden_size",
            "experts",
            "active_experts",
            "frontier_run_accelerators",
        )
    },
    "other_ai_share": Rule("a share of AI energy", 0.0, 0.95, hint="'0.2 to 0.5'"),
    # generated tokens of a reasoning model per visible answer token: 1 is no reasoning
    "reasoning_token_multiplier": Rule(
        "a token multiplier", 1.0, None, hint="'4 to 20'; 1 means no reasoning tokens"
    ),
    **{
        name: PER_ACCELERATOR_POWER
        for name in (
            "tdp_w",
            "power_w_per_accelerator",
            "average_power_per_accelerator_w",
            "system_busy_power_w",
            "system_max_power_w",
            "decode_power_w",
            "prefill_power_w",
        )
    },
    "idle_power_w": Rule(
        "an idle power", 0.0, 1e5, plausible=(0.0, 3000.0), hint="'60 W'", display=("W", 1.0)
    ),
    "system_idle_power_w": Rule(
        "an idle power per accelerator",
        0.0,
        1e5,
        plausible=(0.0, 3000.0),
        hint="'300 W'",
        display=("W", 1.0),
    ),
    "discount_rate": Rule("a discount rate", -0.5, 1.0, hint="'0.07'"),
    "ai_share_of_additions": SHARE,
    "width_px": IMAGE_SIDE,
    "height_px": IMAGE_SIDE,
    "frames": FRAMES,
    "total_params": PARAMETER_COUNT,
    "active_params": PARAMETER_COUNT,
    "chip_power_growth": GROWTH,
    "reasoning_share_growth": GROWTH,
    "pue_overhead_decline": DECLINE,
    "inference_efficiency_gain": DECLINE,
    # durations a run or a step cannot do without (a delay or slip may be 0)
    "wall_clock_s": POSITIVE,
    "accelerator_time_s": POSITIVE,
    "decode_step_time_s": POSITIVE,
    "lifetime_s": POSITIVE,
    "carbon_intensity_kg_per_j": Rule(
        "a grid carbon intensity",
        0.0,
        3.0 * _KG_PER_J_PER_KG_PER_KWH,
        plausible=(0.0, 1.3 * _KG_PER_J_PER_KG_PER_KWH),
        hint="'0.4 kg/kWh' (coal, the dirtiest source, is about 1 kg/kWh)",
        display=("kg/kWh", _KG_PER_J_PER_KG_PER_KWH),
    ),
    "market_carbon_intensity_kg_per_j": Rule(
        "a grid carbon intensity",
        0.0,
        3.0 * _KG_PER_J_PER_KG_PER_KWH,
        hint="'0.4 kg/kWh'",
        display=("kg/kWh", _KG_PER_J_PER_KG_PER_KWH),
    ),
}
#: Bounds of absurd values (issue hostile-3, items 2 and 3). The error bounds are guesses,
#: labelled: each lies orders of magnitude beyond any figure in the catalogue, so that only a
#: typo or an overflow reaches them; the plausible ranges warn.
_USD_PER_S_PER_USD_PER_H = 1.0 / 3600.0
_M3_PER_J_PER_L_PER_KWH = 1e-3 / J_PER_KWH
EXACT_RULES.update(
    {
        # ~5M data-centre accelerators shipped in 2024 (catalogue outlook records); 10^10 a
        # year is 2,000x that, more than one per person alive (guess, labelled)
        "accelerators_shipped": Rule(
            "accelerator shipments per year", 0.0, 1e10, plausible=(0.0, 1e9), hint="'5M'"
        ),
        # the outlook's chip TDP: one accelerator's power, > 0 (a 0 W chip divides by zero)
        "chip_tdp_w": PER_ACCELERATOR_POWER,
        "shipped_chip_power_w": PER_ACCELERATOR_POWER,
        # on-site WUE: evaporative cooling reaches a few L/kWh (catalogue footprint WUE ranges,
        # ~0.2-1.8 L/kWh; warn above 5); above 20 L/kWh an error (guess, labelled)
        "wue_m3_per_j": Rule(
            "a WUE",
            0.0,
            20.0 * _M3_PER_J_PER_L_PER_KWH,
            plausible=(0.0, 5.0 * _M3_PER_J_PER_L_PER_KWH),
            hint="'0.5 L/kWh'",
            display=("L/kWh", _M3_PER_J_PER_L_PER_KWH),
        ),
        # denoising steps of one image: 20-50 in practice (catalogue media records); warn
        # above 1,000, error above 10,000 (guesses, labelled)
        "steps": Rule(
            "a number of denoising steps",
            1.0,
            10_000.0,
            whole=True,
            plausible=(1.0, 1000.0),
            hint="'30'",
        ),
        # rented accelerator-hours cost 1-10 USD/h (catalogue prices); warn above 100 USD/h,
        # error above 10,000 USD/h (guesses, labelled)
        "accelerator_price_usd_per_s": Rule(
            "a price per accelerator-hour",
            0.0,
            1e4 * _USD_PER_S_PER_USD_PER_H,
            plausible=(0.0, 100.0 * _USD_PER_S_PER_USD_PER_H),
            hint="'2.5 USD/h'",
            display=("USD/h", _USD_PER_S_PER_USD_PER_H),
        ),
        # one accelerator's purchase price: ~25-40k USD for an H100; warn above 1M USD,
        # error above 100M USD (guesses, labelled)
        "accelerator_capex_usd": Rule(
            "a price per accelerator",
            0.0,
            1e8,
            plausible=(0.0, 1e6),
            hint="'40000 USD'",
            display=("USD", 1.0),
        ),
    }
)
#: Plain-number nodes that count things of one kind: they accept that unit (``'1M GPUs'``)
#: and no other (``accelerator_count='5 people'`` is an error).
COUNTED_AS: dict[str, str] = {
    name: "accelerator count"
    for name in (
        "accelerator_count",
        "accelerators",
        "accelerators_needed",
        "count",
        "frontier_run_accelerators",
    )
}

#: Rules by name prefix (per-technology nodes: ``capacity_factor_solar_pv``...).
PREFIX_RULES: tuple[tuple[str, Rule], ...] = (
    ("capacity_factor_", FRACTION),
    ("units_", Rule("a number of plants", 0.0, None)),
    ("additions_growth_", GROWTH),
    ("earliest_year_", Rule("a calendar year", 1900.0, 2200.0, hint="'2030'")),
    ("fleet_year_", Rule("a calendar year", 1900.0, 2200.0, hint="'2030'")),
    ("chip_tdp_", PER_ACCELERATOR_POWER),  # the outlook's chip_tdp_2027_w: > 0 W
    # a technology's own costs (supply --set): spending, never a credit (credits and prices
    # such as the grid's export price keep their own names)
    # each with an example in its own unit (the attack's fuel cost was shown '8 to 12 USD/W')
    # and its value shown in that unit (the attack saw "reaches -8.33333e-05" for $/kWh)
    *(
        (
            prefix,
            Rule(
                "a cost",
                0.0,
                None,
                hint=f"{example}; a cost cannot be negative",
                display=(unit, si),
            ),
        )
        for prefix, example, unit, si in (
            ("fixed_om_", "'20 to 40 USD/kW/yr'", "USD/kW/yr", 1.0 / (1e3 * SECONDS_PER_YEAR)),
            ("variable_om_", "'2 to 5 USD/MWh'", "USD/MWh", 1.0 / (1e3 * J_PER_KWH)),
            ("fuel_cost_", "'15 to 40 USD/MWh'", "USD/MWh", 1.0 / (1e3 * J_PER_KWH)),
            ("storage_energy_cost_", "'190 to 320 USD/kWh'", "USD/kWh", 1.0 / J_PER_KWH),
        )
    ),
    # an overnight cost of at most 1,000 USD/W (a guess: a hundred times the dearest plant
    # built; the trial's 1e30 USD/W failed inside the solver with "warning: unknown")
    (
        "overnight_cost_",
        Rule(
            "an overnight cost",
            0.0,
            1000.0,
            hint="'8 to 12 USD/W'; a cost cannot be negative",
            display=("USD/W", 1.0),
        ),
    ),
    # a technology's performance (supply --set): the attack set a battery's round-trip
    # efficiency to 1.5 (a store that made energy), 0 (a traceback) and -0.5 (NaN costs), an
    # AP1000's availability to 2 (50 MW for a 100 MW load) and a lifetime to 0
    (
        "round_trip_efficiency_",
        Rule("a round-trip efficiency", 0.0, 1.0, low_open=True, hint="'0.83 to 0.87'"),
    ),
    ("availability_", Rule("an availability", 0.0, 1.0, low_open=True, hint="'0.92 to 0.94'")),
    # at most 200 years (a guess: twice the longest licence, 80 years, or a century-old dam)
    (
        "lifetime_",
        Rule(
            "a lifetime",
            0.0,
            200 * SECONDS_PER_YEAR,
            low_open=True,
            hint="'30 to 40 yr'",
            display=("yr", SECONDS_PER_YEAR),
        ),
    ),
    (
        "direct_emissions_",
        Rule(
            "a direct emission intensity",
            0.0,
            3.0 * _KG_PER_J_PER_KG_PER_KWH,  # as a grid's: coal is about 1 kg/kWh
            hint="'330 to 370 g/kWh'",
            display=("kg/kWh", _KG_PER_J_PER_KG_PER_KWH),
        ),
    ),
)
#: Rules by name suffix, tried after exact names and prefixes.
SUFFIX_RULES: tuple[tuple[str, Rule], ...] = (
    ("_growth_decay", GROWTH_DECAY),
    ("_growth", GROWTH),
    ("_growth_initial", GROWTH),
    ("_growth_history", GROWTH),
    ("_share", SHARE),
    ("_fraction", FRACTION),
    ("_activity", FRACTION),
    ("_bytes_per_s", POSITIVE),
    ("_flop_per_s", POSITIVE),
    ("_bytes", POSITIVE),
    ("_token_j", POSITIVE),
    ("_j_per_token", POSITIVE),
    # prices are costs that cannot be credits (other costs may be negative)
    ("_price_usd_per_s", NON_NEGATIVE),
    ("_price_usd_per_j", NON_NEGATIVE),
    ("_capex_usd", NON_NEGATIVE),
)

#: Nodes that carry no unit in their name and are plain numbers (ratios, counts, years).
PLAIN_NUMBER_NODES = frozenset(
    {
        "accelerator_count",
        "accelerators",
        "accelerators_needed",
        "active_experts",
        "active_params",
        "attention_heads",
        "batch",
        "busy_power_fraction",
        "capacity_factor",
        "cfe",
        "count",
        "decode_activity",
        "decode_weight_params",
        "discount_rate",
        "energy_ratio_to_search",
        "experts",
        "head_dim",
        "hidden_size",
        "idle_power_fraction",
        "kv_heads",
        "layers",
        "mbu",
        "memory_bound_activity",
        "memory_usable_fraction",
        "mfu",
        "order_year",
        "power_fraction_full",
        "power_fraction_training",
        "prefill_activity",
        "prefill_weight_params",
        "pue",
        "serving_utilization",
        "total_params",
        "utilization",
    }
)
#: Name prefixes of per-technology plain numbers (``units_solar_pv``...).
PLAIN_NUMBER_PREFIXES = (
    "capacity_factor_",
    "units_",
    "earliest_year_",
    "fleet_year_",
    # outlook and build-out: growth rates, shares, ratios, calendar years per technology/deal
    "additions_growth_",
    "construction_start_",
    "deal_capacity_factor_",
    "nameplate_per_firm_",
    "online_year_",
    "target_year_",
    "surviving_fraction_",
)
#: Plain-number nodes of the outlook, build-out, media and serving graphs (ratios, shares,
#: growth rates, multipliers, counts of things); year-indexed ones (``pue_2030``) are listed
#: without their year.
PLAIN_NUMBER_NODES = PLAIN_NUMBER_NODES | frozenset(
    {
        "accelerators_shipped",
        "ai_share_of_additions",
        "additional_compute_fraction",
        "attention_mbu",
        "goodput",
        "interconnect_utilization",
        "overhead_activity",
        "busy_accelerators",
        "chip_power_growth",
        "demand_to_supply_ratio",
        "denoising_passes",
        "effective_batch",
        "electricity_cost_share",
        "expectation_ratio",
        "frames",
        "frontier_runs",
        "frontier_run_accelerators",
        "generation_activity",
        "guidance_passes",
        "height_px",
        "host_overhead_factor",
        "images",
        "implied_utilization",
        "inference_efficiency_gain",
        "inference_energy_factor",
        "inference_growth",
        "inference_growth_decay",
        "inference_growth_history",
        "inference_growth_initial",
        "kv_capacity_sequences",
        "latent_frames",
        "latent_tokens_per_frame",
        "mixed_activity",
        "mixed_weight_params",
        "other_ai_share",
        "output_length_cv",
        "params",
        "patch_size",
        "prefill_tokens_per_step",
        "pue_overhead_decline",
        "reasoning_energy_multiplier",
        "reasoning_share",
        "reasoning_share_growth",
        "reasoning_token_multiplier",
        "replicas_needed",
        "share_of_additions_needed",
        "shipment_growth",
        "shipment_growth_decay",
        "shipment_growth_initial",
        "steps",
        "temporal_downsample",
        "temporal_patch",
        "training_growth",
        "training_growth_decay",
        "training_growth_history",
        "training_growth_initial",
        "training_other_factor",
        "training_overhead_factor",
        "training_share",
        "vae_downsample",
        "videos",
        "width_depth_ratio",
        "width_px",
    }
)
_YEAR_SUFFIX = re.compile(r"_(?:19|20)\d\d$")


def is_plain_number_node(name: str) -> bool:
    """Whether ``name`` is a plain number by the explicit lists above (a trailing calendar
    year, as in the outlook's ``pue_2030``, is ignored)."""
    name = _YEAR_SUFFIX.sub("", name)
    return name in PLAIN_NUMBER_NODES or name.startswith(PLAIN_NUMBER_PREFIXES)


def rule_for(name: str) -> Rule | None:
    """The rule of the quantity ``name`` denotes (``None``: only finiteness is checked).

    ``name`` is a graph node or catalogue field (``peak_flop_per_s.bf16`` is read as
    ``peak_flop_per_s``). Dimensioned names without a specific rule cannot be negative, except
    costs (which may be credits).
    """
    from gigawatt.units import dimension_of_name

    name = _YEAR_SUFFIX.sub("", name.split(".")[0])  # one year's node: ``shipment_growth_2027``
    if name in EXACT_RULES:
        return EXACT_RULES[name]
    for prefix, rule in PREFIX_RULES:
        if name.startswith(prefix):
            return rule
    for suffix, rule in SUFFIX_RULES:
        if name.endswith(suffix):
            return rule
    dimension = dimension_of_name(name)
    if dimension is None or dimension.startswith("cost"):
        return None
    if dimension == "power" and ("per_accelerator" in name):
        return PER_ACCELERATOR_POWER
    return NON_NEGATIVE


def _support(dist: Dist) -> tuple[float, float]:
    if isinstance(dist, Point):
        return dist.value, dist.value
    if isinstance(dist, Uniform | Triangular):
        return dist.low, dist.high
    if isinstance(dist, LogNormal):
        return 0.0, math.inf
    return -math.inf, math.inf


def _cdf(dist: Dist, x: float) -> float:
    if isinstance(dist, Normal):
        return 0.5 * (1 + math.erf((x - dist.mean) / (dist.sd * math.sqrt(2))))
    if isinstance(dist, LogNormal):
        if x <= 0:
            return 0.0
        return 0.5 * (1 + math.erf((math.log(x) - dist.mu) / (dist.sigma * math.sqrt(2))))
    raise TypeError(type(dist).__name__)


def _mass_outside(dist: Dist, rule: Rule) -> float:
    """Probability mass of ``dist`` outside ``rule``'s domain (normal and lognormal)."""
    below = _cdf(dist, rule.low) if rule.low is not None else 0.0
    above = 1 - _cdf(dist, rule.high) if rule.high is not None else 0.0
    return below + above


def check_dist(name: str, dist: Dist, shown: str | None = None) -> None:
    """Raise :class:`UserInputError` when ``dist`` puts values outside ``name``'s domain.

    Parameters
    ----------
    name
        The node or field the value is for (its rule comes from :func:`rule_for`).
    dist
        The value, in SI units.
    shown
        How the user wrote it (default: ``dist.describe()``), for the message.

    Raises
    ------
    UserInputError
        One line naming ``name``, the value, the allowed domain and a valid example, when the
        support (bounded distributions) or more than :data:`TAIL_TOLERANCE` of the mass
        (normal, lognormal) lies outside the domain, when a point value of a whole-number
        quantity is fractional, or when a parameter is not finite.
    """
    text = shown if shown is not None else dist.describe()
    params = [v for v in vars(dist).values() if isinstance(v, float)]
    if not all(math.isfinite(v) for v in params):
        raise UserInputError(f"{name}={text!r}: values must be finite numbers")
    rule = rule_for(name)
    if rule is None:
        return
    hint = f" (e.g. {name}={rule.hint})" if rule.hint else ""
    described = rule.describe_domain()
    domain = f"{rule.what} must {'lie' if described.startswith('in ') else 'be'} {described}"
    if isinstance(dist, Normal | LogNormal):
        outside = _mass_outside(dist, rule)
        if outside > TAIL_TOLERANCE:
            raise UserInputError(
                f"{name}={text!r}: {outside:.1%} of this distribution lies outside the values "
                f"{rule.what} can take ({rule.describe_domain()}); use a distribution inside "
                f"them, such as uniform(a, b) or 'a to b'{hint}"
            )
        return
    low, high = _support(dist)
    if not (rule.contains(low) and rule.contains(high)):
        worst = low if not rule.contains(low) else high
        reach = "is" if low == high else f"reaches {rule.show(worst)},"
        raise UserInputError(f"{name}={text!r} {reach} {rule.violation(worst)}: {domain}{hint}")
    if rule.whole and isinstance(dist, Point) and dist.value != math.floor(dist.value):
        raise UserInputError(
            f"{name}={text!r}: {rule.what} is a whole number, got {dist.value:g}{hint}"
        )


def check_series(
    name: str, raw: Sequence[object], scale: float, where: str, first_row: int
) -> list[float]:
    """The values of a column read from a file (``raw``: its cells as text), in SI units
    (``scale``: the SI value of one unit of the file), each checked by ``name``'s rule.

    ``where`` names the file (and option) in messages; ``first_row`` is the file's line number
    of ``raw[0]`` (2 below a header). Booleans, hexadecimal, decimal commas and other text are
    not numbers here (``float()`` reads ``'True'`` as nothing, ``'0x10'`` as nothing).

    Raises :class:`UserInputError` naming the first bad row and its value: not a number, not
    finite, or outside the rule's domain (for a grid intensity: 0 to 3 kg/kWh).
    """
    rule = rule_for(name)
    values: list[float] = []
    for index, cell in enumerate(raw):
        text = str(cell).strip()
        try:
            number = float(text)
        except ValueError:
            number = math.nan
        row = first_row + index
        if not math.isfinite(number) or text.lower() in {"nan", "inf", "infinity", "-inf"}:
            raise UserInputError(
                f"{where}: row {row} holds {text!r}, not a finite number"
                f"{f'; e.g. {rule.hint}' if rule is not None and rule.hint else ''}"
            )
        value = number * scale
        if rule is not None and not rule.contains(value):
            raise UserInputError(
                f"{where}: row {row} holds {text!r} = {rule.show(value)}, "
                f"{rule.violation(value)}: {rule.what} must "
                f"{'lie' if rule.describe_domain().startswith('in ') else 'be'} "
                f"{rule.describe_domain()}"
            )
        values.append(value)
    return values


class UnusualValueWarning(UserWarning):
    """A value that is possible but unlikely for its quantity (see :attr:`Rule.plausible`);
    the CLI prints it as one ``warning:`` line."""


def warn_if_unusual(name: str, dist: Dist) -> None:
    """Issue an :class:`UnusualValueWarning` for each of :func:`plausibility_warnings`."""
    import warnings

    for message in plausibility_warnings(name, dist):
        warnings.warn(message, UnusualValueWarning, stacklevel=3)


def plausibility_warnings(name: str, dist: Dist) -> list[str]:
    """Warnings for a value that is possible but unlikely for ``name`` (its central value
    outside the rule's plausible range); empty when plausible or when no range is known."""
    rule = rule_for(name)
    if rule is None or rule.plausible is None:
        return []
    low, high = rule.plausible
    value = dist.central
    if low <= value <= high:
        return []
    return [
        f"{name}={rule.show(value)} is unusual for {rule.what} (typically "
        f"{rule.show(low)} to {rule.show(high)}); check the value and its unit"
    ]
