"""Image and video generation: hand-derived tokens and FLOPs; validation against measurements.

Validation (server boundary = GPU + CPU + RAM, as CodeCarbon measures; no PUE):
* Luccioni, Jernite & Strubell 2024 (FAccT, arXiv:2311.16863): image generation about 2.9 Wh
  per image, mean of open models on A100-80GB. Those were UNet-era models at their default
  sizes; SD3 Medium at 1024x1024 on A100 is the closest catalogue model. Tolerance: the
  published figure must lie inside our 90% interval (the MFU prior spans 5x).
* Delavande, Pierrard & Luccioni 2025 (arXiv:2509.19222, Table 4): CogVideoX-5B, 49 frames at
  720x480 on one H100: 25.3 Wh. Same tolerance.
* Same paper: Wan2.1-T2V-14B "consumes over 415 Wh" (inside our interval), and
  Wan2.1-T2V-1.3B "nearly ~90 Wh" per clip: a known miss (see the xfail's reason).
* fal-ai/stable-diffusion-benchmarks (README table, A100 80G SXM, fp16, 50 steps, 512x512,
  Diffusers torch 2.1 SDPA): SD 1.5 end-to-end 1.590 s median; our time interval must hold it.
"""

from __future__ import annotations

import pytest

from gigawatt.cli import main
from gigawatt.demand.media import estimate_media

WH = 3600.0


def test_cogvideox_tokens_and_flop_hand_derived() -> None:
    """13 latent frames x (480/16) x (720/16) + 226 text = 17,776 tokens.

    FLOP/pass = 2 x 5e9 x 17,776 + 4 x 42 x 17,776^2 x 3072; x 50 steps x 2 (CFG)."""
    r = estimate_media("cogvideox-5b", "h100-sxm", resolution="720x480", frames=49, samples=1)
    ev = r.evaluation
    tokens = 13 * 30 * 45 + 226
    assert ev.central("sequence_tokens") == pytest.approx(tokens)
    per_pass = 2 * 5e9 * tokens + 4 * 42 * tokens**2 * 3072
    vae = 720 * 480 * 49 * ev.central("vae_decode_flop_per_pixel")
    assert ev.central("generation_flop") == pytest.approx(100 * per_pass + vae)
    t = ev.central("generation_flop") / (989e12 * ev.central("mfu"))
    assert ev.central("generation_time_s") == pytest.approx(t)


def test_image_is_one_frame_and_guidance_doubles_passes() -> None:
    one = estimate_media("sd3-medium", guidance_passes=1, samples=1).evaluation
    two = estimate_media("sd3-medium", samples=1).evaluation
    assert one.central("latent_frames") == 1.0
    assert one.central("sequence_tokens") == pytest.approx(64 * 64 + 333)
    assert two.central("denoising_passes") == 2 * one.central("denoising_passes") == 56


@pytest.mark.parametrize(
    ("model", "accelerator", "resolution", "frames", "published_wh"),
    [
        ("sd3-medium", "a100-80gb", None, None, 2.9),
        ("cogvideox-5b", "h100-sxm", "720x480", 49, 25.3),
        pytest.param(
            "wan2.1-t2v-1.3b", "h100-sxm", None, None, 90.0,
            marks=pytest.mark.xfail(
                strict=True,
                reason="the published ~90 Wh is 3x our median (31 Wh) and above our 95th "
                "percentile. Not a FLOP-count cause: frames (21 latent), 50 steps x 2 CFG "
                "passes, 832x480 and the quadratic attention over 33k tokens are all counted "
                "(2.9e16 FLOP, 0.85x CogVideoX-5B's 3.4e16), yet the same paper measures 3.6x "
                "CogVideoX's 25.3 Wh, while Wan 14B (6.9e17 FLOP, >415 Wh) runs at "
                "CogVideoX's FLOP rate. The 1.3B pipeline ran ~4x below that rate; why "
                "(offloading, dtype, kernels) is not stated in the sources we hold",
            ),
        ),
        ("wan2.1-t2v-14b", "h100-sxm", None, None, 415.0),
    ],
)  # fmt: skip
def test_validation_against_published_energy(
    model: str, accelerator: str, resolution: str | None, frames: int | None, published_wh: float
) -> None:
    r = estimate_media(model, accelerator, resolution=resolution, frames=frames, samples=4000)
    s = r.summary("energy_per_generation_j", "server")
    assert s.p5 / WH <= published_wh <= s.p95 / WH, (s.p5 / WH, s.p95 / WH)


def test_more_steps_more_energy() -> None:
    few = estimate_media("flux.1-dev", steps=4, samples=1)
    many = estimate_media("flux.1-dev", steps=28, samples=1)
    assert (
        many.summary("energy_per_generation_j", "facility").median
        > few.summary("energy_per_generation_j", "facility").median
    )


def test_cli_media_json_with_footprint(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    argv = ["media", "--model", "flux.1-schnell", "--resolution", "1024x768", "--grid",
            "us-average", "--json", "--samples", "200", "--explain",
            "generation_time_s"]  # fmt: skip
    assert main(argv) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["estimator"] == "media"
    assert d["footprint"]["water_l"]["median"] > 0
    assert d["explain"]["formula"] == "generation_time_s"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["media", "--resolution", "1024"], "WIDTHxHEIGHT"),
        (["media", "--model", "sd3-medium", "--frames", "9"], "video models"),
        (["media", "--steps", "0"], "at least 1"),
        (["media", "--guidance-passes", "3"], "guidance passes"),
        (["media", "--model", "fluxx"], "flux"),
    ],
)
def test_media_bad_input(capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    assert main([*argv, "--samples", "10"]) == 2
    assert message in capsys.readouterr().err


def test_unet_sd15_flop_hand_derived() -> None:
    """SD 1.5 at 512x512: 64 x 64 = 4,096 latent tokens (f=8, no patching); one pass =
    2.0502e8 FLOP/token x 4,096 = 8.398e11 (NVIDIA: 1.67952e12 per CFG step / 2); x 50 steps
    x 2 passes, + 512 x 512 x VAE FLOP per pixel; no separate attention term."""
    ev = estimate_media("sd-1.5", "a100-80gb", samples=1).evaluation
    assert ev.central("sequence_tokens") == 4096
    assert ev.central("attention_flop_per_pass") == 0.0
    assert ev.central("flop_per_pass") == pytest.approx(1.67952e12 / 2, rel=1e-4)
    vae = 512 * 512 * ev.central("vae_decode_flop_per_pixel")
    assert ev.central("generation_flop") == pytest.approx(50 * 1.67952e12 + vae, rel=1e-4)


def test_unet_sd15_time_against_fal_benchmark() -> None:
    """fal-ai benchmark: 1.590 s median end-to-end on an A100 80G SXM (fp16, 50 steps)."""
    r = estimate_media("sd-1.5", "a100-80gb", samples=4000)
    s = r.summary("generation_time_s")
    assert s.p5 <= 1.590 <= s.p95, (s.p5, s.p95)
