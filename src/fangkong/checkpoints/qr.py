"""Place codes (场所码) as images, with `segno`: an SVG with the place's name above the code (for the
print page and the SVG download) and a plain PNG (the name goes in the file name).

The code encodes the absolute URL of the public check-in page: `FANGKONG_PUBLIC_BASE_URL` (e.g.
`https://fk.example.gov.cn`, the address the public reaches the site by) when set, else the
address of the request that asked for the code.
"""

import io
from xml.sax.saxutils import escape

import segno
from django.conf import settings
from django.urls import reverse

ERROR = "m"        # 15% of the code can be dirty or torn and it still scans
SCALE = 8          # pixels (PNG) or user units (SVG) per module
BORDER = 4         # the quiet zone the standard asks for
TITLE_HEIGHT = 56  # room above the code for the name in the SVG


def public_base_url() -> str:
    return (getattr(settings, "FANGKONG_PUBLIC_BASE_URL", "") or "").rstrip("/")


def check_in_url(request, token: str) -> str:
    path = reverse("checkpoints:check_in", args=[token])
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
