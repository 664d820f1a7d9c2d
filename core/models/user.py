"""Accounts: one shopper account works in every shop; staff are users with a membership."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from .base import UTCDateTime, utcnow


class User(UserMixin, db.Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(255), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(32))
    password_hash: Mapped[str] = mapped_column(String(255))
    locale: Mapped[str | None] = mapped_column(String(16))
    is_platform_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    memberships = relationship("Membership", back_populates="user", cascade="all, delete-orphan")
    sessions = relationship(
        "UserSession", back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )
    addresses = relationship(
        "Address", back_populates="user", cascade="all, delete-orphan", order_by="Address.id"
    )

    #: "<id>:<session token>" of the sign-in this object was loaded for (see auth.sessions)
    session_key = None

    def get_id(self) -> str | None:
        """What Flask-Login keeps in the session and the remember cookie: the sign-in, not
        just the account, so revoking that sign-in turns both copies into nothing."""
        return self.session_key

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def role_in(self, merchant_id: int) -> str | None:
        """The staff role in that merchant, or None for shoppers (one query, cached per request)."""
        for membership in self.memberships:
            if membership.merchant_id == merchant_id:
                return membership.role
        return None


class Address(db.Model):
    __tablename__ = "address"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    recipient: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str] = mapped_column(String(32))
    line1: Mapped[str] = mapped_column(String(255))
    city: Mapped[str] = mapped_column(String(120))
    province: Mapped[str | None] = mapped_column(String(120))
    postcode: Mapped[str | None] = mapped_column(String(20))
    country: Mapped[str] = mapped_column(String(2), default="CN")

    user = relationship("User", back_populates="addresses")

    def one_line(self) -> str:
        parts = [self.line1, self.city, self.province, self.postcode, self.country]
        return ", ".join(p for p in parts if p)


class UserSession(db.Model):
    """One sign-in (a browser or device): its cookie and remember token live while it does.

    Only a digest of the token is stored, so the table cannot be used to sign in.
    """

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    user_agent: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user = relationship("User", back_populates="sessions")


class ExternalAccount(db.Model):
    """The shopper's identity at an outside provider (a WeChat openid), linked to one account.

    `issuer` is who vouches for `subject` (WeChat's openids are per mini-program, so its app
    id); `union_id` is the same person across one provider's apps, so a shopper who signs in
    to a second shop's mini-program finds the account the first one made.
    """

    __tablename__ = "external_account"
    __table_args__ = (
        UniqueConstraint("provider", "issuer", "subject", name="uq_external_account_subject"),
        Index("ix_external_account_union", "provider", "union_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    provider: Mapped[str] = mapped_column(String(32))
    issuer: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(128))
    union_id: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user = relationship("User")


class SignupRequest(db.Model):
    """A registration waiting for its email address to be confirmed.

    Nothing is created in `user` until the link in the mail is used, so the registration
    form answers the same whether or not the address already has an account.
    """

    __tablename__ = "signup_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(255), index=True)
    name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(32))
    password_hash: Mapped[str] = mapped_column(String(255))
    next_url: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
