import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from referable.people.models import Person
from referable.practices.tenancy import practice_scope
from referable.records.models import ImportJob
from referable.records.tests.factories import EUROPEAN_CSV, EXCEL_CSV

pytestmark = pytest.mark.django_db


def _upload(web, name, data):
    return web.post(reverse("records:import"), {"file": SimpleUploadedFile(name, data)})


def test_upload_map_preview_and_run_from_the_page(client_for, practice, professional):
    web = client_for(professional)
    uploaded = _upload(web, "contacts.csv", EXCEL_CSV)
    with practice_scope(practice):
        job = ImportJob.objects.get()
    assert uploaded.status_code == 302 and uploaded.url == reverse(
        "records:import-job", args=[job.pk]
    )
    mapping = web.get(uploaded.url)
    assert "What is in each column?" in mapping.text and "e.g. “Lee, Park &amp; Co”" in mapping.text
    form = {
        f"col_{i}": t
        for i, t in enumerate(
            ["first_name", "last_name", "organization", "title", "email", "email", "phone", ""]
        )
    }
    preview = web.post(uploaded.url, form)
    assert "3</strong> to create" in preview.text and "New person." in preview.text
    with practice_scope(practice):
        assert not Person.objects.exists()
    progress = web.post(
        reverse("records:import-run", args=[job.pk]), headers={"HX-Request": "true"}
    )
    assert "Import finished" in progress.text and "<strong>3</strong> created" in progress.text
    with practice_scope(practice):
        assert Person.objects.count() == 3
        assert not Person.objects.filter(notes__contains="Met at").exclude(last_name="Lee").exists()


def test_a_mapping_without_a_name_is_refused_on_the_page(client_for, practice, professional):
    web = client_for(professional)
    url = _upload(web, "export.csv", EUROPEAN_CSV).url
    page = web.post(url, {"col_3": "email"})
    assert "The file needs a name" in page.text


def test_a_large_import_runs_in_chunks_with_progress(
    client_for, practice, professional, monkeypatch
):
    from referable.records import imports

    monkeypatch.setattr(imports, "CHUNK", 2)
    rows = "".join(f"Person{i},Number{i},p{i}@x.example\n" for i in range(5))
    web = client_for(professional)
    url = _upload(web, "many.csv", f"First,Last,Email\n{rows}".encode()).url
    web.post(url, {"col_0": "first_name", "col_1": "last_name", "col_2": "email"})
    with practice_scope(practice):
        job = ImportJob.objects.get()
    run_url = reverse("records:import-run", args=[job.pk])
    first = web.post(run_url, headers={"HX-Request": "true"})
    assert "2 of 5 rows" in first.text and 'hx-trigger="load' in first.text
    web.post(run_url, headers={"HX-Request": "true"})
    last = web.post(run_url, headers={"HX-Request": "true"})
    assert "Import finished" in last.text and "hx-trigger" not in last.text


def test_a_binary_file_named_csv_is_refused_on_the_page(client_for, professional):
    page = _upload(client_for(professional), "contacts.csv", b"PK\x03\x04" + bytes(range(256)) * 10)
    assert page.status_code == 200 and "is not a text file" in page.text


def test_the_compliance_reviewer_cannot_import(client_for, make_user):
    assert client_for(make_user("compliance")).get(reverse("records:import")).status_code == 403


def test_another_practices_import_is_not_found(client_for, practice, professional, outsider):
    _upload(client_for(professional), "contacts.csv", EXCEL_CSV)
    with practice_scope(practice):
        job = ImportJob.objects.get()
    stranger = client_for(outsider)
    assert stranger.get(reverse("records:import-job", args=[job.pk])).status_code == 404
    assert stranger.post(reverse("records:import-run", args=[job.pk])).status_code == 404


def test_the_import_command_imports_with_a_report(practice, owner, tmp_path, capsys):
    path = tmp_path / "contacts.csv"
    path.write_bytes(EXCEL_CSV)
    call_command("import", str(path), "--as", owner.email)
    out = capsys.readouterr().out
    assert "Done: 3 created, 0 updated, 0 skipped, 0 with errors (3 rows)." in out
    call_command("import", str(path), "--as", owner.email)
    assert "Done: 0 created, 0 updated, 3 skipped" in capsys.readouterr().out


def test_the_import_command_refuses_a_200_mb_file(practice, owner, tmp_path):
    path = tmp_path / "huge.csv"
    with path.open("wb") as handle:  # sparse: 200 MB on paper, nothing on disk
        handle.truncate(200 * 2**20)
    assert os.path.getsize(path) == 200 * 2**20
    with pytest.raises(CommandError, match="is 200 MB; files up to 50 MB"):
        call_command("import", str(path), "--as", owner.email)


def test_the_export_command_writes_csv_vcard_and_json(practice, owner, tmp_path):
    from referable.people.tests.factories import make_person

    make_person(practice, first_name="Ann", last_name="Lee")
    for what, name in (("people", "p.csv"), ("vcard", "p.vcf"), ("json", "a.json")):
        call_command("export", what, "--practice", practice.slug, "-o", str(tmp_path / name))
        assert "Lee" in (tmp_path / name).read_text(encoding="utf-8")
    with pytest.raises(CommandError, match="Nothing called"):
        call_command("export", "nonsense", "--practice", practice.slug)
