"""Sending one email: by SMTP, or to the log and a list tests read (the console backend).

Notifications reach it through the outbox; account mails (confirming an address) are sent
while the shopper waits, since the page that follows tells them to look for it.
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app

log = logging.getLogger("storefront.mail")


def absolute(link: str) -> str:
    """A link as a mail needs it: site-relative paths get the shop's public address."""
    if link.startswith("/"):
        return current_app.config["STOREFRONT_BASE_URL"].rstrip("/") + link
    return link


def deliverable(address: str) -> bool:
    """False for the reserved `.invalid` domain (RFC 2606): accounts made by a mini-program
    login carry such an address because they have no email of their own."""
    return not address.strip().lower().rstrip(".").endswith(".invalid")


def send_email(to: str, subject: str, body: str) -> None:
    """Send one mail; an address that cannot receive mail gets none (the inbox still has it)."""
    if not deliverable(to):
        log.info("no email sent to %s: the account has no email address", to)
        return
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["STOREFRONT_EMAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    if config["STOREFRONT_EMAIL_BACKEND"] == "smtp":
        with smtplib.SMTP(config["SMTP_HOST"], int(config["SMTP_PORT"]), timeout=10) as smtp:
            smtp.send_message(message)
    else:
        log.info("email to %s: %s\n%s", to, subject, body)
        current_app.extensions["storefront"].extra.setdefault("sent_emails", []).append(message)
