"""The interface in Serbian (Cyrillic and Latin) and Albanian.

The catalogues are checked as committed: a fresh machine compiles nothing, so the .mo files
must hold exactly what the .po files say, and no entry may be left untranslated or fuzzy.
"""

import re
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from homeward.accounts import services as accounts_services
from homeward.accounts.roles import Role
from homeward.core.actors import system_actor

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
SERBIAN_PLURALS = (
    "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
    "(n%100<10 || n%100>=20) ? 1 : 2);"
)
CATALOGUES = {
    "sr": ("sr", SERBIAN_PLURALS),
    "sr_Latn": ("sr_Latn", SERBIAN_PLURALS),
    "sq": ("sq", "nplurals=2; plural=(n != 1);"),
}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|%[sdif]")
CYRILLIC = re.compile(r"[\u0400-\u04FF]")
LATIN_OF = {"љ": "lj", "њ": "nj", "џ": "dž"}
LATIN_OF.update(zip("абвгдђежзијклмнопрстћуфхцчш", "abvgdđežzijklmnoprstćufhcčš", strict=True))


def transliterate(text: str) -> str:
    """Serbian Cyrillic to Latin script, letter by letter (Љ → Lj, or LJ inside capitals)."""
    letters = []
    for index, char in enumerate(text):
        latin = LATIN_OF.get(char.lower())
        if latin is None:
            letters.append(char)
            continue
        if char.isupper():
            following = text[index + 1 : index + 2]
            preceding = text[index - 1 : index] if index else ""
            in_capitals = (following.isalpha() and following.isupper()) or (
                not following.isalpha() and preceding.isalpha() and preceding.isupper()
            )
            latin = latin.upper() if in_capitals else latin[0].upper() + latin[1:]
        letters.append(latin)
    return "".join(letters)


def translations(catalogue) -> dict:
    """msgid (with context and plural) → translation, for every entry but the header."""
    table = {}
    for entry in catalogue:
        if entry.obsolete or not entry.msgid:
            continue
        key = (entry.msgctxt, entry.msgid, entry.msgid_plural or None)
        if entry.msgid_plural:
            table[key] = tuple(entry.msgstr_plural[form] for form in sorted(entry.msgstr_plural))
        else:
            table[key] = entry.msgstr
    return table


def po_file(locale: str) -> polib.POFile:
    return polib.pofile(str(LOCALE_DIR / locale / "LC_MESSAGES" / "django.po"))


def mo_file(locale: str) -> polib.MOFile:
    return polib.mofile(str(LOCALE_DIR / locale / "LC_MESSAGES" / "django.mo"))


@pytest.mark.parametrize("locale", sorted(CATALOGUES))
def test_catalogue_is_complete_and_not_fuzzy(locale):
    catalogue = po_file(locale)
    live = [entry for entry in catalogue if not entry.obsolete]
    assert len(live) > 100
    assert catalogue.untranslated_entries() == []
    assert catalogue.fuzzy_entries() == []
    assert not catalogue.metadata_is_fuzzy
    for entry in live:
        if entry.msgid_plural:
            nplurals = 2 if locale == "sq" else 3
            assert sorted(entry.msgstr_plural) == list(range(nplurals)), entry.msgid
            assert all(form.strip() for form in entry.msgstr_plural.values()), entry.msgid
        else:
            assert entry.msgstr.strip(), entry.msgid


@pytest.mark.parametrize("locale", sorted(CATALOGUES))
def test_catalogue_headers(locale):
    language, plural_forms = CATALOGUES[locale]
    metadata = po_file(locale).metadata
    assert metadata["Language"] == language
    assert metadata["Plural-Forms"] == plural_forms
    assert metadata["Content-Type"] == "text/plain; charset=UTF-8"


@pytest.mark.parametrize("locale", sorted(CATALOGUES))
def test_translations_keep_every_placeholder(locale):
    for entry in po_file(locale):
        if entry.obsolete:
            continue
        sources = [entry.msgid, entry.msgid_plural] if entry.msgid_plural else [entry.msgid]
        expected = sorted(set(PLACEHOLDER.findall(sources[-1])))
        targets = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for target in targets:
            assert sorted(set(PLACEHOLDER.findall(target))) == expected, entry.msgid


@pytest.mark.parametrize("locale", sorted(CATALOGUES))
def test_committed_mo_holds_exactly_the_po_translations(locale):
    po = po_file(locale)
    mo = mo_file(locale)
    assert translations(mo) == translations(po)
    assert mo.metadata["Plural-Forms"] == po.metadata["Plural-Forms"]
    assert "charset=UTF-8" in mo.metadata["Content-Type"]


def test_serbian_latin_is_the_transliteration_of_cyrillic():
    cyrillic = translations(po_file("sr"))
    latin = translations(po_file("sr_Latn"))
    assert latin.keys() == cyrillic.keys()
    for key, text in cyrillic.items():
        if isinstance(text, tuple):
            assert latin[key] == tuple(transliterate(form) for form in text), key
        else:
            assert latin[key] == transliterate(text), key
        assert not CYRILLIC.search(str(latin[key])), key


def test_serbian_cyrillic_is_written_in_cyrillic():
    for key, text in translations(po_file("sr")).items():
        # Technical names (acronyms such as API, CSV, IASC or UNHCR, the Authorization header,
        # Homeward, household numbers such as H-000123) stay in Latin letters, and so do
        # examples copied as they are from the original (a code, a spelling of a place).
        words = re.sub(
            r"%\(\w+\)[sdif]|\b[A-Z]{2,}\b|\bH-\d+|Authorization|Homeward", "", str(text)
        )
        copied = set(re.findall(r"[\w-]+", " ".join(part for part in key if part)))
        words = " ".join(word for word in re.findall(r"[\w-]+", words) if word not in copied)
        assert not re.search(r"[A-Za-zčćđšžČĆĐŠŽ]", words), key


@pytest.fixture
def member(db):
    """A case worker of one organisation, without a preferred language."""
    actor = system_actor()
    organisation = accounts_services.organisation_create(
        actor=actor, code="i18n-ngo", name="I18n NGO", kind="ngo"
    )
    return accounts_services.user_create(
        actor=actor,
        username="jelena",
        first_name="Jelena",
        last_name="Nikolić",
        organisation=organisation,
        role=Role.CASE_WORKER,
    )


def login(client, user):
    # Axes' backend needs the request; a forced login goes through the model backend.
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")


def use_language(client, language: str) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language


def test_home_page_in_serbian_cyrillic(client, member):
    login(client, member)
    use_language(client, "sr")
    response = client.get("/", secure=True)
    assert response.status_code == 200
    html = response.text
    assert '<html lang="sr">' in html
    # Navigation, headings and a role's label from Python code, all in Cyrillic.
    for text in ("Преглед", "Послови", "Одјави се", "Ваше улоге", "Радник на предмету"):
        assert text in html, text
    assert "Overview" not in html
    assert "Добро дошли, Jelena Nikolić" in html
    match = re.search(r'<time datetime="(\d{4})-(\d{2})-(\d{2})">([^<]*)</time>', html)
    assert match, "the home page prints today's date"
    year, month, day, shown = match.groups()
    assert shown == f"{day}.{month}.{year}"
    assert shown == timezone.localdate().strftime("%d.%m.%Y")


@pytest.mark.parametrize(
    ("language", "log_in", "password"),
    [("sr-latn", "Prijavi se", "Lozinka"), ("sq", "Kyçu", "Fjalëkalimi")],
)
def test_login_page_is_translated(client, db, language, log_in, password):
    use_language(client, language)
    response = client.get("/accounts/login/", secure=True)
    assert response.status_code == 200
    html = response.text
    assert f'<html lang="{language}">' in html
    assert f"<h1>{log_in}</h1>" in html
    assert f'<button type="submit" class="primary">{log_in}</button>' in html
    assert password in html
    assert "Log in" not in html


def test_language_switch_changes_the_language(client, db):
    response = client.get("/accounts/login/", secure=True)
    assert "<h1>Log in</h1>" in response.text

    response = client.post(
        "/i18n/setlang/", {"language": "sq", "next": "/accounts/login/"}, secure=True
    )
    assert response.status_code == 302
    assert response.url == "/accounts/login/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "sq"

    response = client.get("/accounts/login/", secure=True)
    assert '<html lang="sq">' in response.text
    assert "<h1>Kyçu</h1>" in response.text

    client.post("/i18n/setlang/", {"language": "sr", "next": "/accounts/login/"}, secure=True)
    response = client.get("/accounts/login/", secure=True)
    assert '<html lang="sr">' in response.text
    assert "<h1>Пријави се</h1>" in response.text


def test_language_switch_for_a_signed_in_user(client, member):
    login(client, member)
    client.post("/i18n/setlang/", {"language": "sr-latn", "next": "/"}, secure=True)
    html = client.get("/", secure=True).text
    assert '<html lang="sr-latn">' in html
    assert "Pregled" in html
    assert "Radnik na predmetu" in html


def test_preferred_language_applies_without_a_cookie(client, member):
    member.preferred_language = "sq"
    member.save(update_fields=["preferred_language"])
    login(client, member)
    html = client.get("/", secure=True).text
    assert '<html lang="sq">' in html
    assert "Përmbledhje" in html
    assert "Punonjës i rastit" in html


def test_api_errors_speak_the_requested_language(client, db):
    response = client.get(
        "/api/v1/me/",
        secure=True,
        headers={"Authorization": "Bearer hw_not-a-token", "Accept-Language": "sr"},
    )
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "Токен је неважећи, истекао или опозван."


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_every_string_marked_in_the_code_is_in_the_catalogues(tmp_path, settings, monkeypatch):
    """A string marked for translation after the catalogues were made would show in English
    to everybody: extract the strings afresh from a copy of the package and compare."""
    package = LOCALE_DIR.parent
    copy = tmp_path / "homeward"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("tests", "locale", "__pycache__"))
    (copy / "locale").mkdir()
    settings.LOCALE_PATHS = [copy / "locale"]
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=["sq"], no_location=True, verbosity=0)
    fresh = {entry.msgid for entry in polib.pofile(copy / "locale/sq/LC_MESSAGES/django.po")}
    for language in CATALOGUES:
        committed = {
            entry.msgid
            for entry in polib.pofile(LOCALE_DIR / language / "LC_MESSAGES/django.po")
            if not entry.obsolete
        }
        assert fresh - committed == set(), f"{language} lacks these strings"
