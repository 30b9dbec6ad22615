"""Place codes (场所码) as images, with `segno`: an SVG with the place's name above the code (for the
print page and the SVG download) and a PNG laid out the same way (drawn with matplotlib in a CJK font
found on the machine; where there is none, the plain code, since a name drawn as empty boxes would
mislead: the name is then in the file name only).

The code encodes the absolute URL of the public check-in page: `FANGKONG_PUBLIC_BASE_URL` (e.g.
`https://fk.example.gov.cn`, the address the public reaches the site by) when set, else the
address of the request that asked for the code.
"""

import io
from xml.sax.saxutils import escape

import segno
from django.conf import settings
from django.urls import reverse

from fangkong.core.fonts import cjk_font

ERROR = "m"        # 15% of the code can be dirty or torn and it still scans
SCALE = 8          # pixels (PNG) or user units (SVG) per module
BORDER = 4         # the quiet zone the standard asks for
TITLE_HEIGHT = 56  # room above the code for the name in the SVG


def public_base_url() -> str:
    return (getattr(settings, "FANGKONG_PUBLIC_BASE_URL", "") or "").rstrip("/")


def check_in_url(request, token: str) -> str:
    path = reverse("places:check_in", args=[token])
    base = public_base_url()
    return f"{base}{path}" if base else request.build_absolute_uri(path)


def make(url: str):
    return segno.make(url, error=ERROR, micro=False)


def png_bytes(url: str) -> bytes:
    out = io.BytesIO()
    make(url).save(out, kind="png", scale=SCALE, border=BORDER)
    return out.getvalue()


def code_svg(url: str) -> str:
    """The bare code as an SVG element (no XML declaration), for nesting."""
    out = io.BytesIO()
    make(url).save(out, kind="svg", scale=SCALE, border=BORDER, xmldecl=False, svgns=True, nl=False)
    return out.getvalue().decode()


def labelled_svg(url: str, title: str, subtitle: str = "") -> str:
    """An SVG document: the title (place name) centred above the code, an optional line under it."""
    qr = make(url)
    width, height = qr.symbol_size(scale=SCALE, border=BORDER)
    bottom = 28 if subtitle else 0
    total = TITLE_HEIGHT + height + bottom
    inner = code_svg(url).replace("<svg ", f'<svg x="0" y="{TITLE_HEIGHT}" ', 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{total}" viewBox="0 0 {width} {total}">',
        f'<rect width="{width}" height="{total}" fill="#fff"/>',
        f'<text x="{width / 2}" y="{TITLE_HEIGHT - 16}" text-anchor="middle" font-size="26" font-weight="bold" '
        f'font-family="sans-serif">{escape(title)}</text>',
        inner,
    ]
    if subtitle:
        parts.append(f'<text x="{width / 2}" y="{TITLE_HEIGHT + height + 18}" text-anchor="middle" font-size="14" '
                     f'font-family="sans-serif">{escape(subtitle)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def labelled_png(url: str, title: str, subtitle: str = "") -> bytes:
    """A PNG like `labelled_svg`: the title centred above the code (shrunk to fit a long name), the optional
    line under it; the code's pixels are exactly those of `png_bytes`."""

    font = cjk_font()
    if font is None:
        return png_bytes(url)
    import matplotlib
    matplotlib.use("Agg", force=False)
    import numpy as np
    from matplotlib.figure import Figure

    modules = np.pad(1.0 - np.array(make(url).matrix, dtype=float), BORDER, constant_values=1.0)  # 1 = white
    pixels = np.kron(modules, np.ones((SCALE, SCALE)))
    height, width = pixels.shape
    bottom = 28 if subtitle else 0
    total = TITLE_HEIGHT + height + bottom
    dpi = 72  # one point = one pixel: sizes read as in the SVG
    fig = Figure(figsize=(width / dpi, total / dpi), dpi=dpi, facecolor="white")
    fig.figimage(pixels, xo=0, yo=bottom, cmap="gray", vmin=0.0, vmax=1.0, origin="upper")
    size = min(26.0, 0.92 * width / max(1, len(title)))  # a CJK character is about one em wide
    fig.text(0.5, 1 - (TITLE_HEIGHT - 16) / total, title, ha="center", va="baseline", fontsize=size,
             fontweight="bold", fontfamily=font)
    if subtitle:
        fig.text(0.5, (bottom - 18) / total, subtitle, ha="center", va="baseline",
                 fontsize=min(14.0, 0.92 * width / max(1, len(subtitle))), fontfamily=font)
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=dpi, facecolor="white")
    return out.getvalue()
