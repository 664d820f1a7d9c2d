from __future__ import annotations

from flask import Blueprint

from ..rendering import render_template

admin_bp = Blueprint("admin", __name__)


@admin_bp.route("/admin/<merchant>/")
def dashboard():
    return render_template("admin/dashboard.html")
