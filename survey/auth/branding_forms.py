"""A consultant's branding: their consultancy's name and logo, for their slide decks.

A logo is kept only as the pixels of a picture Pillow could read and verify, encoded again as a
PNG: whatever else the upload carried (metadata, a second file hidden behind the picture) is
not stored.
"""

from __future__ import annotations

import io

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileSize
from wtforms import BooleanField, StringField
from wtforms.validators import InputRequired, Length, ValidationError

from survey.models.people import MAX_BRAND_NAME

LOGO_MAX_BYTES = 1024 * 1024
LOGO_MAX_SIDE = 2000  # pixels, of the width and of the height
LOGO_FORMATS = ("PNG", "JPEG")
NOT_A_PICTURE = _l("The logo must be a PNG or JPEG picture; this file is not one.")
TOO_LARGE = _l("The logo may be at most %(side)s × %(side)s pixels and 1 MB.", side=LOGO_MAX_SIDE)


def _stripped(text: str | None) -> str | None:
    return text.strip() if text else text


class BrandingForm(FlaskForm):
    """The consultancy's name (empty: none) and, optionally, a new logo."""

    name = StringField(
        _l("Your consultancy's name"),
        validators=[Length(max=MAX_BRAND_NAME)],
        filters=[_stripped],
    )
    logo = FileField(
        _l("Logo (PNG or JPEG)"),
        validators=[
            FileAllowed(["png", "jpg", "jpeg"], NOT_A_PICTURE),
            FileSize(LOGO_MAX_BYTES, message=TOO_LARGE),
        ],
        render_kw={"accept": ".png,.jpg,.jpeg,image/png,image/jpeg"},
    )
    logo_png: bytes | None = None  # the logo's clean PNG, once validated

    def validate_logo(self, field: FileField) -> None:
        if field.data and not field.errors:  # the kind and size checked first
            self.logo_png = clean_logo(field.data.read(LOGO_MAX_BYTES + 1))


class RemoveLogoForm(FlaskForm):
    confirm = BooleanField(
        _l("Yes, remove the logo"), validators=[InputRequired(_l("Tick the box to confirm."))]
    )


def clean_logo(data: bytes) -> bytes:
    """The pixels of a PNG or JPEG of at most ``LOGO_MAX_SIDE`` pixels a side, as a new PNG;
    ``ValidationError`` for anything else."""
    # imported here: heavy, see README 'Workers'
    from PIL import Image, ImageOps, UnidentifiedImageError

    if len(data) > LOGO_MAX_BYTES:
        raise ValidationError(str(TOO_LARGE))
    try:
        with Image.open(io.BytesIO(data), formats=LOGO_FORMATS) as probe:
            if max(probe.size) > LOGO_MAX_SIDE:
                raise ValidationError(str(TOO_LARGE))
            probe.verify()
        with Image.open(io.BytesIO(data), formats=LOGO_FORMATS) as image:
            upright = ImageOps.exif_transpose(image)
            mode = "RGBA" if "A" in upright.getbands() or "transparency" in upright.info else "RGB"
            pixels = upright.convert(mode)
    except ValidationError:
        raise
    except (OSError, SyntaxError, ValueError, UnidentifiedImageError, Image.DecompressionBombError):
        raise ValidationError(str(NOT_A_PICTURE)) from None
    clean = Image.frombytes(mode, pixels.size, pixels.tobytes())  # the pixels, nothing else
    out = io.BytesIO()
    clean.save(out, format="PNG", optimize=True)
    return out.getvalue()
