from __future__ import annotations

from flask import Blueprint

from ..rendering import render_template

platform_bp = Blueprint("platform", __name__)


@platform_bp.route("/platform/")
def index():
    return render_template("platform/index.html")
