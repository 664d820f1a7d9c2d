"""Every user-facing string is translated into Simplified Chinese, and the .mo files are fresh.

The core and each plugin keep their own catalogue; each is checked against a fresh
extraction of its own sources, as `make translations` would do it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = dict(DEFAULT_KEYWORDS, _l=None, lazy_gettext=None)
METHODS = [
    ("**/scaffold_template/**", "ignore"),
    ("**/translations/**", "ignore"),
    ("**.py", "python"),
    ("**/templates/**.html", "jinja2"),
]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def catalogues() -> list[tuple[str, list[Path], Path]]:
    found = [("core", [ROOT / "core", ROOT / "themes"], ROOT / "core" / "translations")]
    for plugin in sorted((ROOT / "plugins").glob("*/__init__.py")):
        folder = plugin.parent
        found.append((f"plugins/{folder.name}", [folder], folder / "translations"))
    return found


CATALOGUES = catalogues()


def extracted(sources: list[Path]) -> dict[str, str]:
    """msgid -> where it was found."""
    messages: dict[str, str] = {}
    for source in sources:
        for filename, lineno, message, _comments, _context in extract_from_dir(
            str(source), METHODS, keywords=KEYWORDS
        ):
            msgid = message[0] if isinstance(message, tuple) else message
            if msgid:
                messages.setdefault(msgid, f"{source.name}/{filename}:{lineno}")
    return messages


def frozen(value):
    """Plural ids and strings come as lists from .mo files and tuples from .po files."""
    return tuple(value) if isinstance(value, (list, tuple)) else value


def po_file(translations: Path) -> Path:
    return translations / "zh_CN" / "LC_MESSAGES" / "messages.po"


@pytest.mark.parametrize("name, sources, translations", CATALOGUES, ids=[c[0] for c in CATALOGUES])
def test_every_string_is_translated(name, sources, translations):
    messages = extracted(sources)
    if not messages:
        pytest.skip(f"{name} has no translatable strings")
    assert po_file(translations).exists(), f"{name}: no zh_CN catalogue; run `make translations`"
    with po_file(translations).open("rb") as handle:
        catalogue = read_po(handle)
    missing = []
    for msgid, where in sorted(messages.items()):
        entry = catalogue.get(msgid)
        string = entry.string if entry else None
        if isinstance(string, tuple):
            string = string[0]
        if not entry or not string or entry.fuzzy:
            missing.append(f"{where}: {msgid!r}")
    assert not missing, f"{name}: untranslated ({len(missing)}):\n" + "\n".join(missing[:30])


@pytest.mark.parametrize("name, sources, translations", CATALOGUES, ids=[c[0] for c in CATALOGUES])
def test_translations_keep_their_placeholders(name, sources, translations):
    if not po_file(translations).exists():
        pytest.skip(f"{name} has no catalogue")
    with po_file(translations).open("rb") as handle:
        catalogue = read_po(handle)
    wrong = []
    for message in catalogue:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if len(ids) == 1:
            allowed = wanted = set(PLACEHOLDER.findall(ids[0]))
        else:
            # A plural's singular may spell the number out ("One review"): Chinese has a
            # single form, which may use any placeholder of the plural forms.
            allowed = set().union(*(PLACEHOLDER.findall(i) for i in ids))
            wanted = set()
        for string in strings:
            found = set(PLACEHOLDER.findall(string)) if string else set()
            if string and not (wanted <= found <= allowed):
                wrong.append(f"{ids[0]!r} -> {string!r}")
    assert not wrong, f"{name}: placeholders differ:\n" + "\n".join(wrong)


@pytest.mark.parametrize("name, sources, translations", CATALOGUES, ids=[c[0] for c in CATALOGUES])
def test_compiled_catalogue_matches_the_po_file(name, sources, translations):
    po = po_file(translations)
    if not po.exists():
        pytest.skip(f"{name} has no catalogue")
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{name}: {mo.name} missing; run `make translations`"
    with po.open("rb") as handle:
        source = {
            frozen(m.id): frozen(m.string)
            for m in read_po(handle)
            if m.id and m.string and not m.fuzzy
        }
    with mo.open("rb") as handle:
        compiled = {frozen(m.id): frozen(m.string) for m in read_mo(handle) if m.id}
    stale = [repr(k) for k, v in source.items() if compiled.get(k) != v]
    assert not stale, f"{name}: .mo is stale for {stale[:10]}; run `make translations`"
