"""The Welsh catalogue is complete, compiled and in step with the source.

Every failure here is fixed the same way: run `scripts/messages.sh` (it brings
`locale/cy/LC_MESSAGES/django.po` up to date with the source and compiles it), translate
the entries it leaves empty or marked fuzzy, and run it again. Strings added on other
branches are translated when the branches are merged.
"""

import re
import shlex
import shutil
from pathlib import Path

import polib
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

ROOT = Path(settings.BASE_DIR)
PO = ROOT / "locale" / "cy" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
DJANGO = Path(__import__("django").__file__).parent
HOW_TO_FIX = (
    "Run scripts/messages.sh, translate the entries it leaves empty or fuzzy in "
    "locale/cy/LC_MESSAGES/django.po (glossary in locale/README.md), then run it again."
)
# What must come through a translation unchanged: placeholders, HTML tags, Markdown links.
KEPT = re.compile(r"%\(\w+\)[sdr]|%[sdr]|\{\{[^}]*\}\}|\{\w*\}|</?[a-z][^>]*>|\]\(")


def _catalogue() -> polib.POFile:
    return polib.pofile(str(PO))


def _key(entry) -> tuple:
    return (entry.msgctxt, entry.msgid, entry.msgid_plural or None)


def _translations(entry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def test_every_welsh_entry_is_translated_and_none_is_fuzzy():
    catalogue = _catalogue()
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert not untranslated, f"{len(untranslated)} untranslated, e.g. {untranslated[:5]}. " + (
        HOW_TO_FIX
    )
    assert not fuzzy, f"{len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}. " + HOW_TO_FIX
    assert not catalogue.metadata_is_fuzzy, "The catalogue's header is marked fuzzy."
    # Django's own plural rule for Welsh, so our plurals agree with Django's catalogue.
    django = polib.pofile(str(DJANGO / "conf" / "locale" / "cy" / "LC_MESSAGES" / "django.po"))
    assert catalogue.metadata["Plural-Forms"] == django.metadata["Plural-Forms"]


def test_translations_keep_placeholders_and_tags():
    wrong = []
    for entry in _catalogue():
        for index, text in enumerate(_translations(entry)):
            source = entry.msgid_plural if index and entry.msgid_plural else entry.msgid
            # A singular form may leave the number out ("un modiwl"); the rest is kept.
            expected = sorted(KEPT.findall(source))
            if sorted(KEPT.findall(text)) != expected and not (
                entry.msgid_plural and set(KEPT.findall(text)) <= set(expected)
            ):
                wrong.append((entry.msgid, text))
    assert not wrong, f"Placeholders or tags differ from the English: {wrong[:5]}"


def test_the_compiled_catalogue_matches_the_po_file():
    assert MO.exists(), f"{MO.relative_to(ROOT)} is missing. " + HOW_TO_FIX
    compiled = {_key(entry): _translations(entry) for entry in polib.mofile(str(MO))}
    written = {_key(entry): _translations(entry) for entry in _catalogue() if entry.msgid}
    compiled.pop((None, "", None), None)
    assert compiled == written, f"{MO.relative_to(ROOT)} is older than the .po file. " + (
        HOW_TO_FIX
    )


def _makemessages_options() -> list[str]:
    """The --ignore options of scripts/messages.sh, so this test looks where it does."""
    script = (ROOT / "scripts" / "messages.sh").read_text()
    words = shlex.split(script[script.index("makemessages") :].split("\n.venv")[0], posix=True)
    return [word.removeprefix("--ignore=") for word in words if word.startswith("--ignore=")]


def test_the_catalogue_has_every_string_of_the_source_and_nothing_else(tmp_path, monkeypatch):
    """makemessages, run on a copy of the source, finds exactly the catalogue's msgids."""
    ignored = set(_makemessages_options()) | {"locale", ".git"}
    copy = tmp_path / "source"
    shutil.copytree(
        ROOT,
        copy,
        ignore=lambda directory, names: [
            name
            for name in names
            if (Path(directory) == ROOT and name in ignored)
            or name == "__pycache__"
            or (
                Path(directory, name).is_file()
                and Path(name).suffix not in {".py", ".html", ".txt"}
            )
        ],
        symlinks=True,
    )
    (copy / "locale").mkdir()
    monkeypatch.chdir(copy)
    with override_settings(LOCALE_PATHS=[]):
        call_command("makemessages", locale=["cy"], verbosity=0, no_obsolete=True)
    fresh = {_key(entry) for entry in polib.pofile(str(copy / PO.relative_to(ROOT)))}
    ours = {_key(entry) for entry in _catalogue()}
    missing = sorted(key[1] for key in fresh - ours)
    stale = sorted(key[1] for key in ours - fresh)
    assert not missing, f"Not in the Welsh catalogue yet: {missing[:10]}. " + HOW_TO_FIX
    assert not stale, f"No longer in the source: {stale[:10]}. " + HOW_TO_FIX


# Django apps whose messages the portal shows: forms, validation, passwords, the CSRF page,
# the back office. Messages in these files never reach a page of ours.
NEVER_SHOWN_FILES = {
    "conf/global_settings.py": "language names: LANGUAGES lists only English and Cymraeg",
    "contrib/messages/apps.py": "an app name, shown nowhere",
    "utils/timesince.py": "no template uses timesince or timeuntil",
    "views/static.py": "static files are served by WhiteNoise",
    "views/generic/dates.py": "no date-based generic views",
    "views/generic/list.py": "errors for developers, raised before a page is shown",
    "views/templates/default_urlconf.html": "the page of a project without URLs",
    "contrib/auth/validators.py": "our users have no username",
    "contrib/admin/templates/admin/invalid_setup.html": "shown only to a broken installation",
    "contrib/admin/templates/registration/password_change_form.html": "accounts/ has its own",
    "contrib/admin/templates/registration/password_reset_done.html": "accounts/ has its own",
    "contrib/admin/templates/registration/password_reset_email.html": "accounts/ has its own",
    "contrib/admin/templates/registration/password_reset_form.html": "accounts/ has its own",
}
NEVER_SHOWN_MSGIDS = {
    # Field descriptions, shown only by admindocs, which is not installed.
    "String (unlimited)",
    "Duration",
    "Positive big integer",
    "Universally unique identifier",
    "A JSON object",
    # The username field's help, and our users have no username.
    "Required. 150 characters or fewer. Letters, digits and @/./+/-/_ only.",
}
SHOWN_APPS = ["conf", "contrib/auth", "contrib/admin", "contrib/contenttypes", "contrib/sessions"]


def test_django_messages_the_portal_shows_have_welsh():
    """Django's Welsh misses some of its messages; core/django_messages.py adds them to ours."""
    ours = {_key(entry) for entry in _catalogue() if entry.translated()}
    missing = []
    for app in SHOWN_APPS:
        locale = DJANGO / app / "locale"
        theirs = {
            _key(entry)
            for entry in polib.pofile(str(locale / "cy" / "LC_MESSAGES" / "django.po"))
            if entry.translated()
        }
        for entry in polib.pofile(str(locale / "en" / "LC_MESSAGES" / "django.po")):
            files = {path.removeprefix("django/") for path, _ in entry.occurrences}
            if (
                _key(entry) in theirs | ours
                or entry.msgid in NEVER_SHOWN_MSGIDS
                or (files and files <= NEVER_SHOWN_FILES.keys())
            ):
                continue
            missing.append(entry.msgid)
    assert not missing, (
        f"Django shows these in English on Welsh pages: {missing[:10]}. Add them to "
        "core/django_messages.py (or, if no page can show them, to NEVER_SHOWN_* here). "
        + HOW_TO_FIX
    )
