"""Schema of image and video generation models (diffusion / flow-matching transformers).

Owned by the media estimator; see docs/methodology/media.md. Counts are dimensionless:
``params`` (transformer parameters used per denoising pass), ``layers``, ``hidden_size``,
``vae_downsample`` (pixels per latent cell along each spatial axis), ``patch_size`` (latent
cells per token along each spatial axis), ``temporal_downsample`` (frames per latent frame
after the first; 1 for images), ``temporal_patch``, ``text_tokens`` (conditioning tokens in
the attention sequence), ``steps`` (default denoising steps) and ``guidance_passes`` (2 with
classifier-free guidance, 1 when guidance is distilled into the model).

UNet models (``architecture: unet``) give ``linear_token_flop``: the measured FLOP of one
pass per latent token at their reference resolution (convolutions, attention and all), which
replaces the transformer's ``2 x params`` per token; their ``layers`` and ``hidden_size`` are 0
(no separate full-sequence attention term) and ``text_tokens`` 0 (cross-attention is in the
measured figure).
"""

from __future__ import annotations

from typing import ClassVar, Literal

from gigawatt.catalog.model import field, model_validator
from gigawatt.catalog.schema import Cited, Record

__all__ = ["MediaModel"]


class MediaModel(Record):
    """An image or video generation model: the shapes that set its FLOPs per output."""

    kind: ClassVar[str] = "media_model"

    modality: Literal["image", "video"]
    year: int = field(ge=2020, le=2035)
    params: Cited
    layers: Cited | None = None
    hidden_size: Cited | None = None
    vae_downsample: Cited
    patch_size: Cited
    temporal_downsample: Cited
    temporal_patch: Cited
    text_tokens: Cited
    steps: Cited
    guidance_passes: Cited
    default_resolution: str = field(pattern=r"^\d+x\d+$", description="WIDTHxHEIGHT in pixels")
    default_frames: Cited | None = field(default=None, description="clip length (video)")
    architecture: Literal["transformer", "unet"] = "transformer"
    linear_token_flop: Cited | None = field(
        default=None,
        description="FLOP per latent token of one pass (UNets: measured, replaces 2 x params)",
    )

    @model_validator(mode="after")
    def _shapes_for_architecture(self) -> MediaModel:
        if self.architecture == "transformer" and (self.layers is None or self.hidden_size is None):
            raise ValueError("a transformer needs 'layers' and 'hidden_size'")
        if self.architecture == "unet" and self.linear_token_flop is None:
            raise ValueError("a UNet needs its measured 'linear_token_flop'")
        return self
