"""Locale and time-zone selection, and the language switcher."""

from __future__ import annotations

from functools import cached_property

from babel import Locale, support
from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import Babel, Domain, get_locale
from flask_login import current_user

from .redirects import redirect_next

LANGUAGE_NAMES = {"en": "English", "zh_CN": "简体中文"}


def select_locale() -> str:
    """Explicit choice, then the account's, then the shop's default, then the browser's."""
    if not has_request_context():  # CLI, worker, tests: messages in the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = current_app.config["LANGUAGES"]
    if request.path.startswith("/api/") and "Accept-Language" in request.headers:
        return _browser_choice()  # an API client says what its user reads on every call
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    merchant = getattr(g, "merchant", None)
    if merchant is not None and merchant.locale in languages:
        return merchant.locale
    return _browser_choice()


def _browser_choice() -> str:
    best = request.accept_languages.best_match(["en", "zh_CN", "zh", "zh-CN", "zh-Hans"])
    if best is not None and best.startswith("zh"):
        return "zh_CN"
    return best or current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    merchant = getattr(g, "merchant", None)
    return merchant.timezone if merchant is not None else "UTC"


def register_i18n(app: Flask) -> None:
    @app.route("/lang/<code>", methods=["POST"])
    def set_language(code: str):
        if code in app.config["LANGUAGES"]:
            session["lang"] = code
        return redirect_next("/")

    @app.context_processor
    def language_context():
        return {
            "languages": [(c, LANGUAGE_NAMES.get(c, c)) for c in app.config["LANGUAGES"]],
            "current_locale": current_language(),
        }


def current_language() -> str:
    """The configured code of the locale in use: `zh_CN`, not Babel's expanded `zh_Hans_CN`."""
    locale = get_locale()
    for code in current_app.config["LANGUAGES"]:
        if Locale.parse(code) == locale:
            return code
    return str(locale)


class CatalogueDomain(Domain):
    """Finds catalogues named `zh_CN` for Babel's locale `zh_Hans_CN`.

    Babel expands `zh_CN` to `zh_Hans_CN`, and Flask-Babel looks for a folder of exactly that
    name; plugin authors name catalogues `zh_CN`, as `pybabel init -l zh_CN` does.
    """

    def get_translations(self):
        locale = get_locale()
        if locale is None:
            return support.NullTranslations()
        cache = self.get_translations_cache(None)
        key = (str(locale), self.domain[0], tuple(self.translation_directories))
        if key not in cache:
            names = [str(locale)]
            if locale.territory:
                names.append(f"{locale.language}_{locale.territory}")
            translations = support.Translations()
            for dirname in self.translation_directories:
                catalog = support.Translations.load(dirname, names, self.domain[0])
                translations.merge(catalog)
                if hasattr(catalog, "plural"):
                    translations.plural = catalog.plural
            cache[key] = translations
        return cache[key]


class StorefrontBabel(Babel):
    @cached_property
    def domain_instance(self) -> Domain:
        return CatalogueDomain(domain=self.domain)
