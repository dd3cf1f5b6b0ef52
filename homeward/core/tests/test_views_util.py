"""``submit_versioned``: the one way an edit page saves a ``Versioned`` record."""

from types import SimpleNamespace

from django import forms
from django.test import RequestFactory

from homeward.core.errors import ConflictError, ValidationError
from homeward.core.views_util import conflict_rows, submit_versioned


class NoteForm(forms.Form):
    title = forms.CharField(label="Title")
    body = forms.CharField(label="Body", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class Record:
    """Stands for a ``Versioned`` record: its ``update`` refuses a version it has moved past."""

    def __init__(self):
        self.title, self.body, self.version = "Roof", "", 3
        self.saved_versions = []

    def update(self, *, expected_version, title, body):
        self.saved_versions.append(expected_version)
        if expected_version != self.version:
            raise ConflictError(details={"current_values": {"title": self.title}})
        if title.startswith("!"):
            raise ValidationError({"title": "A title starts with a letter."})
        self.title, self.body, self.version = title, body, self.version + 1
        return SimpleNamespace(warnings=["Checked."])


def submit(record, method="post", **typed):
    data = {"title": "Windows", "body": "Two broken", "version": "3"} | typed
    request = getattr(RequestFactory(), method)("/edit/", data if method == "post" else None)
    form = NoteForm(request.POST or None, initial={"title": record.title})
    return submit_versioned(
        request,
        form,
        save=lambda version: record.update(
            expected_version=version,
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
        ),
        reread=lambda: record,
        rebuild=lambda data, current: NoteForm(data, initial={"title": current.title}),
    )


def test_a_valid_edit_saves_with_the_version_the_form_sent_back():
    record = Record()
    submission = submit(record)
    assert submission.saved
    assert submission.conflict is None
    assert submission.result.warnings == ["Checked."]
    assert record.saved_versions == [3]
    assert (record.title, record.body, record.version) == ("Windows", "Two broken", 4)


def test_a_conflict_keeps_what_was_typed_and_carries_the_current_version():
    record = Record()
    record.title, record.version = "Roof and door", 5  # somebody saved meanwhile
    submission = submit(record)
    assert not submission.saved
    assert isinstance(submission.conflict, ConflictError)
    form = submission.form
    assert form.is_bound
    assert form.is_valid()
    assert form.cleaned_data == {"title": "Windows", "body": "Two broken", "version": 5}
    assert conflict_rows(submission.conflict, form) == [("Title", "Roof and door")]
    assert (record.title, record.version) == ("Roof and door", 5)
    # Saving the shown form again now goes through, over the version the person has seen.
    again = submit(record, version=str(form.cleaned_data["version"]))
    assert again.saved
    assert record.saved_versions == [3, 5]
    assert record.title == "Windows"


def test_a_refusal_from_the_service_lands_on_the_field():
    record = Record()
    submission = submit(record, title="!Windows")
    assert not submission.saved
    assert submission.conflict is None
    assert submission.form.errors == {"title": ["A title starts with a letter."]}
    assert (record.title, record.version) == ("Roof", 3)


def test_an_invalid_form_is_shown_again_without_calling_the_service():
    record = Record()
    submission = submit(record, title="")
    assert not submission.saved
    assert "title" in submission.form.errors
    assert record.saved_versions == []


def test_a_get_only_shows_the_form():
    record = Record()
    submission = submit(record, method="get")
    assert not submission.saved
    assert not submission.form.is_bound
    assert submission.form.initial == {"title": "Roof"}
    assert record.saved_versions == []
