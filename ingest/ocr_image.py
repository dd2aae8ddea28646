"""Page images made ready for OCR: the red seal taken out, specks removed, ink binarised, lines levelled.

Reads: a page image (Pillow, any mode) and the steps wanted. Returns: a greyscale
(or black and white) image, and the skew angle it was turned by.

Why each step (measured on the seeds' scans, see tests/fixtures/scans/measure.py
and the README's "Scans, legacy office files and web pages"):

- **seal**: a Vietnamese plan is signed over a red round seal, which Tesseract
  reads as a ring of letters and a blot over the signer's name. Red ink is
  light in the red channel and black ink is dark in every channel, so the page
  seen through its red channel keeps the text and drops the seal, even where
  the two overlap (the stamp multiplies onto the ink: dark stays dark); what
  is clearly red in colour (the ring's darker edges) is turned to paper too.
- **whiten** (off by default: it measured worse, 126/138 against 136/138,
  its stretched levels thin the strokes): the paper's grain and what the red
  channel leaves of the seal are lifted to white.
- **denoise**: a 3x3 median filter takes out dust specks of one or two pixels,
  which Tesseract otherwise reads as dots, commas or diacritics.
- **binarise** (off by default: 133/138; Tesseract binarises better itself):
  Otsu's threshold on the whole page.
- **deskew**: a page scanned 1-2 degrees askew drifts by a whole line across
  an A4 width; the angle whose rows of ink are most sharply separated (the
  variance of the horizontal projection, searched coarse then fine on a small
  copy) is turned back.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageFilter

__all__ = ["deskew_angle", "otsu", "prepare", "whiten", "without_seal"]

# A pixel whose red exceeds its green and blue by more than this is seal ink.
RED = 40
# Skew angles searched, in degrees: scans are rarely more than 3 degrees off.
MAX_SKEW = 3.0


def without_seal(img: Image.Image) -> Image.Image:
    """Greyscale through the red channel when the page has colour: red ink turns to paper."""
    if img.mode in ("L", "1", "I;16", "I", "F"):
        return img.convert("L")
    a = np.asarray(img.convert("RGB")).astype(np.int16)
    red = a[..., 0]
    redness = red - np.maximum(a[..., 1], a[..., 2])
    # clearly red and not dark (stamp ink, also its darker edges): paper; ink under the stamp is dark
    return Image.fromarray(np.where((redness > RED) & (red > 110), 255, red).astype(np.uint8))


def otsu(gray: np.ndarray) -> int:
    """Otsu's threshold of a uint8 image."""
    hist = np.bincount(gray.ravel(), minlength=256).astype(np.float64)
    total = hist.sum()
    if total == 0:
        return 128
    levels = np.arange(256, dtype=np.float64)
    w0 = np.cumsum(hist)
    m0 = np.cumsum(hist * levels)
    w1 = total - w0
    mean_all = m0[-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (mean_all * w0 / total - m0) ** 2 / (w0 * w1)
    between = np.nan_to_num(between)
    return int(np.argmax(between))


def whiten(gray: Image.Image) -> Image.Image:
    """Paper to white: levels stretched so that whatever is lighter than halfway from the ink/paper
    threshold to the paper becomes white (the grain of the paper, what is left of the seal's ring)."""
    a = np.asarray(gray)
    t = otsu(a)
    light = a[a > t]
    if light.size == 0:
        return gray
    paper = float(np.median(light))
    white = max(t + 0.5 * (paper - t), 1.0)
    return Image.fromarray(np.clip(a.astype(np.float32) * (255.0 / white), 0, 255).astype(np.uint8))


def _projection_score(ink: Image.Image, angle: float) -> float:
    rows = np.asarray(ink.rotate(angle, resample=Image.NEAREST, fillcolor=0), dtype=np.float32).sum(axis=1)
    return float(np.square(np.diff(rows)).sum())


def deskew_angle(gray: Image.Image) -> float:
    """The angle (degrees, counter-clockwise) that levels the text lines of ``gray``."""
    small = gray.copy()
    small.thumbnail((900, 900))
    a = np.asarray(small)
    ink = Image.fromarray(((a < otsu(a)) * 255).astype(np.uint8))
    if not np.asarray(ink).any():
        return 0.0
    coarse = max(np.arange(-MAX_SKEW, MAX_SKEW + 0.01, 0.25), key=lambda t: _projection_score(ink, float(t)))
    fine = max(np.arange(coarse - 0.25, coarse + 0.26, 0.05), key=lambda t: _projection_score(ink, float(t)))
    return round(float(fine), 2)


def prepare(
    img: Image.Image,
    *,
    seal: bool = True,
    whiten_paper: bool = False,
    denoise: bool = True,
    binarise: bool = False,
    deskew: bool = True,
) -> tuple[Image.Image, float]:
    """The page ready for Tesseract, and the angle it was turned by (0 when not deskewed)."""
    gray = without_seal(img) if seal else img.convert("L")
    if whiten_paper:
        gray = whiten(gray)
    if denoise:
        gray = gray.filter(ImageFilter.MedianFilter(3))
    angle = 0.0
    if deskew:
        angle = deskew_angle(gray)
        if abs(angle) >= 0.05:
            gray = gray.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=255)
    if binarise:
        a = np.asarray(gray)
        gray = Image.fromarray(((a >= otsu(a)) * 255).astype(np.uint8))
    return gray, angle
