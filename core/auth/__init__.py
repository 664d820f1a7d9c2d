"""Sign-in, registration and sign-out; one account works in every shop."""

from .views import auth_bp

__all__ = ["auth_bp"]
