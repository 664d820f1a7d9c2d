"""Pictures through the API: upload first, then name them in the JSON of a review or return.

A mini-program sends each picture on its own (`wx.uploadFile` is one multipart file per
call), so a picture is an upload of its own: re-encoded by the same rules as the pages,
private to its owner, and attached later by its token. `claim_uploads` is what a plugin
calls to take the shopper's pictures for a record: only the caller's own, unattached
pictures of this shop are accepted.
"""

from __future__ import annotations

from flask import current_app, g, request
from flask_babel import gettext as _
from flask_login import current_user
from pydantic import BaseModel, Field
from sqlalchemy import select

from ..extensions import db, limiter
from ..models import Upload
from ..uploads import UploadError, save_uploads
from .auth import shopper_required
from .blueprint import takes_files
from .errors import ApiError, ErrorBody
from .presenters import image_out
from .root import api_bp
from .schemas import ImageOut
from .spec import answers, api_spec

PURPOSE = "api"  # not yet attached; the plugin that claims it sets its own purpose


class UploadForm(BaseModel):
    file: bytes = Field(description="One picture: JPEG, PNG or WebP")


class UploadOut(BaseModel):
    token: str = Field(description="Name it in `photos` of a review or a return")
    image: ImageOut


@api_bp.post("/shops/<merchant>/uploads")
@limiter.limit("60 per hour")
@shopper_required
@takes_files
@api_spec.validate(
    resp=answers(HTTP_201=UploadOut, HTTP_401=ErrorBody, HTTP_413=ErrorBody),
    tags=["uploads"],
    security={"shopper": []},
    skip_validation=True,
)
def upload_picture():
    """Upload one picture (multipart/form-data, field `file`); it stays private to you."""
    file = request.files.get("file")
    if file is None or not file.filename:
        raise ApiError(400, _("Choose a picture to upload."), "file", code="invalid")
    try:
        (upload,) = save_uploads([file], g.merchant, current_user, PURPOSE, public=False)
    except UploadError as error:
        raise ApiError(400, str(error), "file", code="invalid_picture") from error
    db.session.commit()
    return UploadOut(token=upload.token, image=image_out(upload, "")).model_dump(mode="json"), 201


def claim_uploads(tokens: list[str], purpose: str, field: str = "photos") -> list[Upload]:
    """The caller's own unattached pictures named by `tokens`, now given `purpose`.

    Refused as a whole (400 naming `field`) when one is unknown, someone else's, from
    another shop, already attached, or when there are more than a form may take.
    """
    tokens = list(dict.fromkeys(tokens))
    if not tokens:
        return []
    if len(tokens) > current_app.config["UPLOAD_MAX_FILES"]:
        raise ApiError(
            400,
            _("Please choose at most %(n)d pictures.", n=current_app.config["UPLOAD_MAX_FILES"]),
            field,
            code="invalid",
        )
    found = {
        u.token: u
        for u in db.session.scalars(
            select(Upload).where(
                Upload.token.in_(tokens),
                Upload.owner_id == current_user.id,
                Upload.merchant_id == g.merchant.id,
                Upload.purpose == PURPOSE,
            )
        )
    }
    if len(found) != len(tokens):
        raise ApiError(
            400, _("Upload the pictures first, then name them here."), field, code="invalid"
        )
    for upload in found.values():
        upload.purpose = purpose
    return [found[t] for t in tokens]
