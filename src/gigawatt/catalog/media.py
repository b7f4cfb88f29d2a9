"""Schema of image and video generation models (diffusion / flow-matching transformers).

Owned by the media estimator; see docs/methodology/media.md. Counts are dimensionless:
``params`` (transformer parameters used per denoising pass), ``layers``, ``hidden_size``,
``vae_downsample`` (pixels per latent cell along each spatial axis), ``patch_size`` (latent
cells per token along each spatial axis), ``temporal_downsample`` (frames per latent frame
after the first; 1 for images), ``temporal_patch``, ``text_tokens`` (conditioning tokens in
the attention sequence), ``steps`` (default denoising steps) and ``guidance_passes`` (2 with
classifier-free guidance, 1 when guidance is distilled into the model).
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from gigawatt.catalog.schema import Cited, Record

__all__ = ["MediaModel"]


class MediaModel(Record):
    """An image or video generation model: the shapes that set its FLOPs per output."""

    kind: ClassVar[str] = "media_model"

    modality: Literal["image", "video"]
    year: int = Field(ge=2020, le=2035)
    params: Cited
    layers: Cited
    hidden_size: Cited
    vae_downsample: Cited
    patch_size: Cited
    temporal_downsample: Cited
    temporal_patch: Cited
    text_tokens: Cited
    steps: Cited
    guidance_passes: Cited
    default_resolution: str = Field(pattern=r"^\d+x\d+$", description="WIDTHxHEIGHT in pixels")
    default_frames: Cited | None = Field(default=None, description="clip length (video)")
