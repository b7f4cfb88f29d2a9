"""Image and video generation energy: diffusion / flow transformers over peak x MFU.

A generation runs ``steps`` denoising passes (twice each with classifier-free guidance) of a
transformer over the latent tokens of the image or clip, then decodes the latent::

    tokens per frame = (W / (vae_downsample x patch)) x (H / (vae_downsample x patch))
    latent frames    = (1 + (F - 1) / temporal_downsample) / temporal_patch     (1 for images)
    sequence T       = tokens per frame x latent frames + text tokens
    FLOP per pass    = 2 x params x T + 4 x layers x T^2 x hidden_size     (Kaplan et al. 2020:
                       linear layers, plus QK^T and AV over the full sequence); for UNets
                       a measured FLOP per latent token replaces 2 x params (and the
                       attention term is 0: it is inside the measured figure)
    generation FLOP  = steps x guidance_passes x FLOP per pass + W x H x F x VAE FLOP per pixel
    time             = generation FLOP / (N x dense peak x MFU)

Passes over thousands of tokens are compute-bound, so the accelerators draw the inference
estimator's power model at full activity (:func:`gigawatt.demand.inference.decode_power_w`,
``idle + (TDP x power_fraction_full - idle) x activity``, with activity 1); boundaries as
for inference: ``gpu``, ``server`` (+ host power per accelerator), ``facility`` (x PUE).
Catalogue: kind ``media_model`` (media_models.yaml) and parameters of estimator ``media``;
docs/methodology/media.md.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from gigawatt.demand import inference
from gigawatt.demand.common import (
    cited_input,
    override_inputs,
    parameter_input,
    point,
    pue_input,
    scenario_input,
)
from gigawatt.demand.footprint import Unit, _adapter, _identity, _ratio
from gigawatt.dist import Dist, FloatArray
from gigawatt.errors import UserInputError
from gigawatt.estimators import Estimator
from gigawatt.graph import Formula, Graph, Input
from gigawatt.result import Result, Warning_

if TYPE_CHECKING:
    from gigawatt.catalog import Catalog

__all__ = ["ESTIMATOR", "GRAPH", "MEDIA_GENERATION", "estimate_media", "media_inputs"]

METHODOLOGY_VERSION = "media-1.1"


def latent_tokens_per_frame(
    width_px: FloatArray, height_px: FloatArray, vae_downsample: FloatArray, patch_size: FloatArray
) -> FloatArray:
    """Latent tokens per frame [count] = (W / (f x p)) x (H / (f x p))."""
    cell = vae_downsample * patch_size
    return (width_px / cell) * (height_px / cell)


def latent_frames(
    frames: FloatArray, temporal_downsample: FloatArray, temporal_patch: FloatArray
) -> FloatArray:
    """Latent frames [count] = (1 + (F - 1) / temporal downsample) / temporal patch."""
    return (1.0 + (frames - 1.0) / temporal_downsample) / temporal_patch


def sequence_tokens(
    latent_tokens_per_frame: FloatArray, latent_frames: FloatArray, text_tokens: FloatArray
) -> FloatArray:
    """Tokens in the attention sequence [count] = latent tokens x latent frames + text."""
    return latent_tokens_per_frame * latent_frames + text_tokens


def linear_token_flop(params: FloatArray) -> FloatArray:
    """FLOP per token of a pass's weight multiplies [FLOP] = 2 x params (UNets: measured)."""
    return 2.0 * params


def attention_flop_per_pass(
    sequence_tokens: FloatArray, layers: FloatArray, hidden_size: FloatArray
) -> FloatArray:
    """FLOP of full-sequence attention in one pass [FLOP] = 4 layers T^2 d (QK^T and AV)."""
    return 4.0 * layers * sequence_tokens**2 * hidden_size


def flop_per_pass(
    linear_token_flop: FloatArray,
    sequence_tokens: FloatArray,
    attention_flop_per_pass: FloatArray,
) -> FloatArray:
    """FLOP of one pass [FLOP] = linear FLOP per token x T + attention FLOP."""
    return linear_token_flop * sequence_tokens + attention_flop_per_pass


def denoising_passes(steps: FloatArray, guidance_passes: FloatArray) -> FloatArray:
    """Transformer passes [count] = steps x guidance passes (2 with classifier-free guidance)."""
    return steps * guidance_passes


def vae_decode_flop(
    width_px: FloatArray,
    height_px: FloatArray,
    frames: FloatArray,
    vae_decode_flop_per_pixel: FloatArray,
) -> FloatArray:
    """FLOP to decode the latent [FLOP] = W x H x frames x FLOP per pixel."""
    return width_px * height_px * frames * vae_decode_flop_per_pixel


def generation_flop(
    flop_per_pass: FloatArray, denoising_passes: FloatArray, vae_decode_flop: FloatArray
) -> FloatArray:
    """FLOP of one image or clip [FLOP] = passes x FLOP per pass + VAE decode."""
    return denoising_passes * flop_per_pass + vae_decode_flop


def generation_time_s(
    generation_flop: FloatArray,
    accelerators: FloatArray,
    peak_flop_per_s: FloatArray,
    mfu: FloatArray,
) -> FloatArray:
    """Wall-clock time of a generation [s] = FLOP / (N x dense peak x MFU)."""
    return generation_flop / (accelerators * peak_flop_per_s * np.clip(mfu, 1e-9, 1.0))


def gpu_energy_per_generation_j(
    accelerators: FloatArray, generation_power_w: FloatArray, generation_time_s: FloatArray
) -> FloatArray:
    """Accelerator energy per image or clip [J] = N x power x time."""
    return accelerators * generation_power_w * generation_time_s


def server_energy_per_generation_j(
    gpu_energy_per_generation_j: FloatArray,
    accelerators: FloatArray,
    host_power_w: FloatArray,
    generation_time_s: FloatArray,
) -> FloatArray:
    """Server (IT) energy per image or clip [J] = accelerators' + host power x N x time."""
    return gpu_energy_per_generation_j + accelerators * host_power_w * generation_time_s


def facility_energy_per_generation_j(
    server_energy_per_generation_j: FloatArray, pue: FloatArray
) -> FloatArray:
    """Facility energy per image or clip [J] = server energy x PUE."""
    return server_energy_per_generation_j * np.maximum(pue, 1.0)


def accelerator_time_per_generation_s(
    accelerators: FloatArray, generation_time_s: FloatArray
) -> FloatArray:
    """Busy accelerator-seconds of one generation [s] = N x time."""
    return accelerators * generation_time_s


#: The inference power model, at the activity of a compute-bound pass.
GENERATION_POWER = Formula(
    "generation_power_w",
    inference.decode_power_w,
    ("idle_power_w", "tdp_w", "power_fraction_full", "generation_activity"),
    "Accelerator power while generating [W per accelerator] (inference power model).",
)

FORMULAS = (
    latent_tokens_per_frame,
    latent_frames,
    sequence_tokens,
    linear_token_flop,
    attention_flop_per_pass,
    flop_per_pass,
    denoising_passes,
    vae_decode_flop,
    generation_flop,
    generation_time_s,
    GENERATION_POWER,
    gpu_energy_per_generation_j,
    server_energy_per_generation_j,
    facility_energy_per_generation_j,
    accelerator_time_per_generation_s,
)
GRAPH = Graph(FORMULAS, name="media")

GROUPS: dict[str, dict[str, str]] = {
    boundary: {"energy_per_generation_j": f"{boundary}_energy_per_generation_j"}
    for boundary in ("gpu", "server", "facility")
}
OUTPUTS: dict[str, str] = {
    "generation_time_s": "generation_time_s",
    "generation_flop": "generation_flop",
    "sequence_tokens": "sequence_tokens",
}

MEDIA_GENERATION = Unit(
    "generation",
    "footprint",
    "",
    (
        _adapter(
            "footprint_energy_j",
            ("facility_energy_per_generation_j",),
            _identity,
            "Footprint energy of one image or clip [J] = facility energy per generation.",
        ),
        _adapter(
            "footprint_it_energy_j",
            ("server_energy_per_generation_j",),
            _identity,
            "IT energy of one image or clip [J] = server energy per generation.",
        ),
        _adapter(
            "footprint_accelerator_s",
            ("accelerator_time_per_generation_s", "serving_utilization"),
            _ratio,
            "Accelerator-seconds a generation holds [s] = busy accelerator-s / utilisation.",
        ),
    ),
    defaults=(("inference", "serving_utilization"),),
)

_MODEL_FIELDS = (
    "params",
    "layers",
    "hidden_size",
    "vae_downsample",
    "patch_size",
    "temporal_downsample",
    "temporal_patch",
    "text_tokens",
)


#: Compute precisions of a diffusion transformer (compute-bound: the dtype of the matmuls).
#: Weight-only formats (int8, int4) of the LLM estimator do not change compute, so they are
#: refused here rather than silently computed as bf16.
MEDIA_PRECISIONS = ("bf16", "fp16", "fp8")


def check_media_precision(precision: str) -> str:
    """``precision`` normalised (``"BF16"`` → ``"bf16"``), or :class:`UserInputError`."""
    key = str(precision).strip().lower()
    if key not in MEDIA_PRECISIONS:
        weight_only = " (a weight-only format of LLM serving)" if key in ("int4", "int8") else ""
        raise UserInputError(
            f"--precision {precision!r}{weight_only} is not a compute precision of image and "
            f"video models; choose one of {', '.join(MEDIA_PRECISIONS)}"
        )
    return key


def parse_resolution(text: str) -> tuple[int, int]:
    """``"1024x768"`` → (1024, 768) pixels; :class:`UserInputError` otherwise."""
    match = re.fullmatch(r"\s*(\d+)\s*[xX×]\s*(\d+)\s*", str(text))
    if not match or int(match[1]) < 1 or int(match[2]) < 1:
        raise UserInputError(
            f"--resolution {text!r}: give WIDTHxHEIGHT in pixels, e.g. 1024x1024 or 832x480"
        )
    return int(match[1]), int(match[2])


def _count(name: str, value: Any) -> None:
    if isinstance(value, bool) or (isinstance(value, int | float) and value < 1):
        raise UserInputError(f"{name} must be at least 1, got {value!r}")


def media_inputs(
    cat: Catalog,
    model: str = "flux.1-dev",
    accelerator: str = "h100-sxm",
    accelerators: int | str | float = 1,
    steps: int | str | float | None = None,
    resolution: str | None = None,
    frames: int | str | float | None = None,
    guidance_passes: int | None = None,
    precision: str = "bf16",
    pue: str | float | Dist | None = None,
) -> tuple[dict[str, Input], list[Warning_]]:
    """Leaves of the media graph with sources, and warnings (see :func:`estimate_media`).

    Raises :class:`UserInputError` for a bad resolution, a count below 1, frames for an image
    model or guidance passes other than 1 or 2; :class:`UnknownIdError` for unknown ids.
    """
    from gigawatt.catalog.media import MediaModel
    from gigawatt.catalog.schema import Accelerator

    for name, value in (
        ("accelerators", accelerators),
        ("steps", steps),
        ("frames", frames),
    ):
        _count(name, value)
    if guidance_passes is not None and guidance_passes not in (1, 2):
        raise UserInputError(
            f"guidance passes must be 1 (distilled / no guidance) or 2 (classifier-free "
            f"guidance), got {guidance_passes!r}"
        )
    precision = check_media_precision(precision)
    record = cat.typed(MediaModel, model)
    if record.modality == "image" and frames is not None and float(frames) != 1:
        raise UserInputError(
            f"{record.id} generates images: --frames applies to video models "
            f"(e.g. {', '.join(sorted(_video_ids(cat))[:3])})"
        )
    acc = cat.typed(Accelerator, accelerator)
    inputs: dict[str, Input] = {
        f: cited_input(f, getattr(record, f))
        for f in _MODEL_FIELDS
        if getattr(record, f) is not None
    }
    if record.linear_token_flop is not None:  # UNets: measured, replaces 2 x params
        inputs["linear_token_flop"] = cited_input("linear_token_flop", record.linear_token_flop)
    if record.architecture == "unet":
        inputs["attention_flop_per_pass"] = point(
            "attention_flop_per_pass", 0.0, "UNet: attention is inside linear_token_flop"
        )
    acc_inputs, warnings = inference.accelerator_inputs(acc, precision)
    inputs.update({k: v for k, v in acc_inputs.items() if k in ("peak_flop_per_s", "tdp_w")})
    inputs["idle_power_w"] = acc_inputs["idle_power_w"]
    width, height = parse_resolution(resolution or record.default_resolution)
    try:
        inputs["width_px"] = scenario_input("width_px", width, "output width")
        inputs["height_px"] = scenario_input("height_px", height, "output height")
    except UserInputError as exc:
        raise UserInputError(f"--resolution {resolution!r}: {exc}") from None
    if frames is not None:
        inputs["frames"] = scenario_input("frames", frames)
    elif record.default_frames is not None:
        inputs["frames"] = cited_input("frames", record.default_frames)
    else:
        inputs["frames"] = point("frames", 1, "an image is one frame")
    inputs["steps"] = (
        scenario_input("steps", steps) if steps is not None else cited_input("steps", record.steps)
    )
    inputs["guidance_passes"] = (
        point("guidance_passes", guidance_passes, "given", kind="scenario")
        if guidance_passes is not None
        else cited_input("guidance_passes", record.guidance_passes)
    )
    inputs["accelerators"] = scenario_input("accelerators", accelerators)
    inputs["mfu"] = parameter_input(cat, "media", "mfu", applies_to=acc.id)
    inputs["vae_decode_flop_per_pixel"] = parameter_input(cat, "media", "vae_decode_flop_per_pixel")
    for node in ("power_fraction_full", "host_power_w"):
        inputs[node] = parameter_input(cat, "inference", node, applies_to=acc.id)
    inputs["generation_activity"] = point(
        "generation_activity", 1.0, "compute-bound passes: activity 1 in the inference power model"
    )
    inputs["pue"] = pue_input(cat, "inference", pue)
    return inputs, warnings


def _video_ids(cat: Catalog) -> list[str]:
    return [r.id for r in cat.records.get("media_model", {}).values() if r.modality == "video"]  # type: ignore[attr-defined]


def estimate_media(
    model: str = "flux.1-dev",
    accelerator: str = "h100-sxm",
    accelerators: int | str | float = 1,
    steps: int | str | float | None = None,
    resolution: str | None = None,
    frames: int | str | float | None = None,
    guidance_passes: int | None = None,
    precision: str = "bf16",
    pue: str | float | Dist | None = None,
    overrides: Mapping[str, str | Dist | float | FloatArray] | None = None,
    samples: int = 10_000,
    seed: int = 0,
    catalog: Catalog | None = None,
) -> Result:
    """Energy and time of generating one image or video clip with ``model``.

    ``resolution`` is ``"WIDTHxHEIGHT"`` in pixels and ``frames`` the clip length (video
    models; default: the model's); ``steps`` and ``guidance_passes`` default to the model's.
    Outputs: ``energy_per_generation_j`` under ``gpu``/``server``/``facility``,
    ``generation_time_s``, ``generation_flop``, ``sequence_tokens``.

    Raises :class:`UserInputError` for bad counts or resolution (see :func:`media_inputs`).
    """
    from gigawatt.catalog import catalog as default_catalog

    cat = catalog or default_catalog()
    inputs, warnings = media_inputs(
        cat, model, accelerator, accelerators, steps, resolution, frames, guidance_passes,
        precision, pue,
    )  # fmt: skip
    inputs.update(override_inputs(GRAPH, overrides))
    nodes = [*OUTPUTS.values(), *(n for g in GROUPS.values() for n in g.values())]
    evaluation = GRAPH.evaluate(nodes, inputs, n=samples, seed=seed, point=samples == 1)
    return Result(
        estimator="media",
        evaluation=evaluation,
        outputs=dict(OUTPUTS),
        methodology_version=METHODOLOGY_VERSION,
        data_version=cat.data_version,
        groups=GROUPS,
        boundary="gpu, server (+ host), facility (x PUE); one image or clip",
        choices={
            "model": cat.get("media_model", model).id,
            "accelerator": cat.get("accelerator", accelerator).id,
            "accelerators": accelerators,
            "steps": steps,
            "resolution": resolution,
            "frames": frames,
            "guidance_passes": guidance_passes,
            "precision": precision,
        },
        warnings=warnings,
    )


def _default_inputs(cat: Catalog, **choices: Any) -> dict[str, Input]:
    inputs, _ = media_inputs(cat, **choices)
    return inputs


ESTIMATOR = Estimator(
    name="media",
    graph=GRAPH,
    default_inputs=_default_inputs,
    outputs=tuple([*OUTPUTS.values(), *(n for g in GROUPS.values() for n in g.values())]),
    methodology_version=METHODOLOGY_VERSION,
    methodology="docs/methodology/media.md",
    description="Energy and time of generating an image or a video clip (diffusion transformers).",
)
