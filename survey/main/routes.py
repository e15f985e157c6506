"""The home page explains the app; survey links are personal, so nothing is listed here."""

from flask import render_template

from survey.main import bp


@bp.get("/")
def home():
    return render_template("main/home.html")
