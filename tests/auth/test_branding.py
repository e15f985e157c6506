"""A consultant's branding for their slide decks: a name and a logo kept as clean pixels only."""

from __future__ import annotations

import io
import os

from PIL import Image, PngImagePlugin
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from survey.models import AuditEvent
from tests.auth.helpers import login
from tests.conftest import csrf_from

PAGE = "/account/branding"


def png(size: tuple[int, int] = (120, 40), text: dict[str, str] | None = None) -> bytes:
    info = PngImagePlugin.PngInfo()
    for key, value in (text or {}).items():
        info.add_text(key, value)
    out = io.BytesIO()
    Image.new("RGBA", size, (20, 120, 200, 255)).save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def noise_png(side: int) -> bytes:
    """A PNG of random pixels, which compresses to about 3 bytes a pixel."""
    out = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(out, format="PNG")
    return out.getvalue()


def upload(client, data: bytes | None, filename: str = "logo.png", name: str = "Clear Minds"):
    token = csrf_from(client.get(PAGE).get_data(as_text=True))
    form: dict = {"csrf_token": token, "name": name}
    if data is not None:
        form["logo"] = FileStorage(io.BytesIO(data), filename)
    # Encoded here, in memory: the test client would spool a large body to a file left open.
    boundary, body = encode_multipart(form)
    return client.post(PAGE, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def test_a_png_is_kept_as_its_pixels_without_the_uploads_text(client, dbs, reference_org):
    login(client, "c@example.com")
    account = client.get("/account").get_data(as_text=True)
    assert f'href="{PAGE}"' in account
    sent = png(text={"Comment": "made by ACME-SECRET-TOOL"})
    response = upload(client, sent)
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    consultant = reference_org.users["consultant"]
    dbs.refresh(consultant)
    assert consultant.brand_name == "Clear Minds"
    stored = consultant.brand_logo
    assert stored.startswith(b"\x89PNG") and stored != sent
    assert b"ACME-SECRET-TOOL" not in stored and b"tEXt" not in stored
    kept = Image.open(io.BytesIO(stored))
    assert kept.size == (120, 40) and kept.info.get("Comment") is None
    assert kept.convert("RGBA").getpixel((5, 5)) == (20, 120, 200, 255)
    (event,) = dbs.scalars(select(AuditEvent).where(AuditEvent.action == "user.branding"))
    assert event.user_email == "c@example.com" and event.details == {
        "named": True,
        "new_logo": True,
    }
    page = client.get(PAGE).get_data(as_text=True)
    assert 'src="data:image/png;base64,' in page and 'value="Clear Minds"' in page


def test_a_jpeg_is_kept_as_a_png_without_its_exif(client, dbs, reference_org):
    exif = Image.Exif()
    exif[0x010E] = "ACME-SECRET-CAMERA"  # ImageDescription
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (250, 200, 0)).save(out, format="JPEG", exif=exif.tobytes())
    assert b"ACME-SECRET-CAMERA" in out.getvalue()
    login(client, "admin@example.com")
    assert upload(client, out.getvalue(), "logo.jpg", name="").status_code == 302
    admin = reference_org.users["admin"]
    dbs.refresh(admin)
    assert admin.brand_name is None
    kept = Image.open(io.BytesIO(admin.brand_logo))
    assert kept.format == "PNG" and kept.size == (64, 48)
    assert b"ACME-SECRET-CAMERA" not in admin.brand_logo and not kept.getexif()


def test_anything_but_a_small_picture_is_refused_and_nothing_kept(client, dbs, reference_org):
    login(client, "c@example.com")
    refusals = {
        "not a picture": (b"hello, I am text\n" * 10, "logo.png"),
        "another kind": (png(), "logo.gif"),
        "too wide": (png(size=(2001, 10)), "logo.png"),
        "over 1 MB": (noise_png(600), "logo.png"),
    }
    assert 1024 * 1024 < len(refusals["over 1 MB"][0]) < 1024 * 1024 + 64 * 1024
    for why, (data, filename) in refusals.items():
        response = upload(client, data, filename)
        assert response.status_code == 400, why
        page = response.get_data(as_text=True)
        assert page.count('class="error"') == 1, why
        assert (
            ("PNG or JPEG" in page)
            if why in ("not a picture", "another kind")
            else ("at most 2000 × 2000 pixels and 1 MB" in page)
        ), why
    much_too_large = upload(client, noise_png(1000))
    assert much_too_large.status_code == 413
    assert "at most 2000 × 2000 pixels" in much_too_large.get_data(as_text=True)
    assert upload(client, None, name="x" * 121).status_code == 422
    consultant = reference_org.users["consultant"]
    dbs.refresh(consultant)
    assert (consultant.brand_name, consultant.brand_logo) == (None, None)


def test_the_logo_is_removed_only_once_confirmed(client, dbs, reference_org):
    login(client, "c@example.com")
    assert upload(client, png()).status_code == 302
    token = csrf_from(client.get(PAGE).get_data(as_text=True))
    unticked = client.post(f"{PAGE}/logo/remove", data={"csrf_token": token})
    assert unticked.status_code == 422 and "Tick the box" in unticked.get_data(as_text=True)
    consultant = reference_org.users["consultant"]
    dbs.refresh(consultant)
    assert consultant.brand_logo is not None
    assert client.post(f"{PAGE}/logo/remove", data={"confirm": "y"}).status_code == 400  # CSRF
    removed = client.post(f"{PAGE}/logo/remove", data={"csrf_token": token, "confirm": "y"})
    assert removed.status_code == 302
    dbs.refresh(consultant)
    assert consultant.brand_logo is None and consultant.brand_name == "Clear Minds"
    assert dbs.scalar(select(AuditEvent).where(AuditEvent.action == "user.branding_logo_removed"))


def test_a_manager_has_no_branding(client, dbs, reference_org):
    login(client, "g@example.com")
    assert f'href="{PAGE}"' not in client.get("/account").get_data(as_text=True)
    token = csrf_from(client.get("/").get_data(as_text=True))
    assert client.get(PAGE).status_code == 404
    sent = {"csrf_token": token, "name": "Mine", "logo": (io.BytesIO(png()), "logo.png")}
    assert client.post(PAGE, data=sent, content_type="multipart/form-data").status_code == 404
    remove = client.post(f"{PAGE}/logo/remove", data={"csrf_token": token, "confirm": "y"})
    assert remove.status_code == 404
    refused = dbs.scalars(select(AuditEvent).where(AuditEvent.action == "access.refused")).all()
    assert [event.target for event in refused] == [
        f"consultant page {PAGE}",
        f"consultant page {PAGE}",
        f"consultant page {PAGE}/logo/remove",
    ]
    manager = reference_org.users["global manager"]
    dbs.refresh(manager)
    assert manager.brand_name is None
