"""Place codes: issued on first request, withdrawn and reissued; PNG and SVG carry the check-in URL
(checked by encoding the expected URL again with segno: same matrix, same image)."""

import io

import pytest
from django.test import Client

from fangkong.accounts.models import Role
from fangkong.audit.models import AuditEntry
from fangkong.core import fonts
from fangkong.places import qr
from fangkong.places.models import PlaceCode
from tests import factories

from .builders import checkpoint, fresh_cache, place, staff  # noqa: F401


def _code_url(token: str, host="testserver") -> str:
    return f"http://{host}/places/c/{token}/"


def test_first_request_issues_one_code_and_the_page_shows_name_and_code(tree, login):
    p = place("东岳村农贸市场")
    client = login(staff("hq"))
    page = client.get(f"/places/{p.pk}/code/")
    assert page.status_code == 200
    code = PlaceCode.objects.get(place=p, is_active=True)
    body = page.content.decode()
    assert "东岳村农贸市场" in body
    assert _code_url(code.token) in body
    # the inline SVG is exactly the code of that URL
    assert qr.code_svg(_code_url(code.token)) in body
    client.get(f"/places/{p.pk}/code/")
    assert PlaceCode.objects.filter(place=p).count() == 1
    assert AuditEntry.objects.filter(action="place_code.issue").count() == 1


def _assert_code_at(image, url: str, top: int) -> None:
    """Every module of the code of `url` has its colour in `image`, the code's quiet zone starting `top` pixels
    down, and the quiet zone itself is white."""
    matrix = qr.make(url).matrix
    size = len(matrix)
    assert image.size[0] == (size + 2 * qr.BORDER) * qr.SCALE
    pixels = image.convert("L")
    for row in range(size):
        for col in range(size):
            x = (col + qr.BORDER) * qr.SCALE + qr.SCALE // 2
            y = top + (row + qr.BORDER) * qr.SCALE + qr.SCALE // 2
            assert (pixels.getpixel((x, y)) < 128) == bool(matrix[row][col])
    assert all(pixels.getpixel((x, top + qr.SCALE)) > 200 for x in range(0, image.size[0], qr.SCALE))


def test_png_download_is_the_code_of_the_check_in_url_under_the_place_name(tree, login):
    from PIL import Image

    p = place("东岳村农贸市场", address="东岳村3组")
    client = login(staff("hq"))
    response = client.get(f"/places/{p.pk}/code/?format=png")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert "filename*=UTF-8''%E4%B8%9C%E5%B2%B3%E6%9D%91" in response["Content-Disposition"]  # 东岳村…
    token = PlaceCode.objects.get(place=p).token
    image = Image.open(io.BytesIO(response.content))
    if fonts.cjk_font() is None:  # no CJK font on this machine: the plain code
        assert response.content == qr.png_bytes(_code_url(token))
        return
    _assert_code_at(image, _code_url(token), top=qr.TITLE_HEIGHT)
    title = image.convert("L").crop((0, 0, image.size[0], qr.TITLE_HEIGHT))
    assert title.getextrema()[0] < 64  # the name is drawn above the code
    assert image.size[1] > image.size[0] + qr.TITLE_HEIGHT  # and the place's line under it


def test_without_a_cjk_font_the_png_is_the_plain_code(monkeypatch):
    fonts.cjk_font.cache_clear()
    monkeypatch.setattr(fonts, "CJK_FONTS", ["No Such Font"])
    try:
        url = _code_url("abc")
        assert qr.labelled_png(url, "东岳村农贸市场") == qr.png_bytes(url)
    finally:
        fonts.cjk_font.cache_clear()


def test_svg_download_has_the_name_above_the_code(tree, login):
    p = place("桃园<超市>&")
    client = login(staff("hq"))
    response = client.get(f"/places/{p.pk}/code/?format=svg")
    assert response["Content-Type"] == "image/svg+xml"
    svg = response.content.decode()
    token = PlaceCode.objects.get(place=p).token
    assert "桃园&lt;超市&gt;&amp;" in svg
    assert svg.index("桃园") < svg.index("<path")
    assert qr.code_svg(_code_url(token)).split(">", 1)[1] in svg
    import xml.dom.minidom
    xml.dom.minidom.parseString(svg)  # well-formed


def test_public_base_url_setting(tree, login, settings):
    settings.FANGKONG_PUBLIC_BASE_URL = "https://fk.example.gov.cn/"
    p = place()
    body = login(staff("hq")).get(f"/places/{p.pk}/code/").content.decode()
    token = PlaceCode.objects.get(place=p).token
    assert f"https://fk.example.gov.cn/places/c/{token}/" in body


@pytest.mark.usefixtures("fresh_cache")
def test_reissue_withdraws_the_old_code(tree, login):
    p = place()
    client = login(staff("hq"))
    client.get(f"/places/{p.pk}/code/")
    old = PlaceCode.objects.get(place=p)
    assert client.post(f"/places/{p.pk}/code/").status_code == 302
    old.refresh_from_db()
    new = PlaceCode.objects.get(place=p, is_active=True)
    assert not old.is_active and new.token != old.token
    assert Client().get(f"/places/c/{old.token}/").status_code == 404
    assert Client().get(f"/places/c/{new.token}/").status_code == 200


def test_checkpoint_code(tree, login):
    cp = checkpoint("花园卡点")
    client = login(staff("hq"))
    response = client.get(f"/places/checkpoints/{cp.pk}/code/")
    assert response.status_code == 200 and "花园卡点" in response.content.decode()
    code = PlaceCode.objects.get(checkpoint=cp)
    png = client.get(f"/places/checkpoints/{cp.pk}/code/?format=png").content
    assert png == qr.labelled_png(_code_url(code.token), "花园卡点", cp.location)


def test_roles_and_scope(tree, login):
    p = place("红旗村饭店", factories.VILLAGE_B1)
    worker = login(staff("worker", Role.VILLAGE_WORKER, factories.VILLAGE_B1))
    assert worker.get(f"/places/{p.pk}/code/").status_code == 403
    town_a = login(staff("towna", Role.TOWNSHIP_STAFF, factories.TOWN_A))
    assert town_a.get(f"/places/{p.pk}/code/").status_code == 404
    assert not PlaceCode.objects.exists()
    assert Client().get(f"/places/{p.pk}/code/").status_code == 302  # login first


def test_api_codes(tree, login):
    p = place()
    cp = checkpoint()
    client = login(staff("hq"))
    first = client.get(f"/api/places/{p.pk}/code").json()
    assert first["url"] == _code_url(first["token"]) and first["place_id"] == p.pk
    assert client.get(f"/api/places/{p.pk}/code").json()["token"] == first["token"]
    again = client.post(f"/api/places/{p.pk}/code/reissue")
    assert again.status_code == 201 and again.json()["token"] != first["token"]
    assert not PlaceCode.objects.get(token=first["token"]).is_active
    assert client.get(f"/api/places/checkpoints/{cp.pk}/code").json()["checkpoint_id"] == cp.pk
    worker = login(staff("worker", Role.VILLAGE_WORKER, factories.VILLAGE_A1))
    assert worker.get(f"/api/places/{p.pk}/code").status_code == 403
