"""What every browser journey does: sign in, and check a page fits the screen."""

from __future__ import annotations


def sign_in(page, email: str, password: str, shop: str | None = None) -> None:
    page.goto(f"/shop/{shop}/login" if shop else "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
