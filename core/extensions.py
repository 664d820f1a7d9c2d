"""Flask extensions, created unbound so every module can import them without cycles."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase

from .i18n import StorefrontBabel


class Base(DeclarativeBase):
    """Declarative base shared by the core and every plugin's models."""


db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = StorefrontBabel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
