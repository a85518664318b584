from django.urls import path

from referable.records import views

app_name = "records"

urlpatterns = [
    path("", views.home, name="home"),
    path("archive/", views.archive_search, name="archive"),
    path("archive/export.zip", views.archive_export, name="archive-export"),
    path("archive/<int:communication_id>/", views.communication_detail, name="communication"),
    path(
        "archive/attachments/<int:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
    path("history/", views.history, name="history"),
    path("import/", views.import_upload, name="import"),
    path("import/<int:import_id>/", views.import_job, name="import-job"),
    path("import/<int:import_id>/run/", views.import_run, name="import-run"),
    path("import/<int:import_id>/progress/", views.import_progress, name="import-progress"),
    path("export/", views.export_page, name="export"),
    path("export/data.csv", views.export_csv, name="export-csv"),
    path("export/people.vcf", views.export_vcard, name="export-vcard"),
    path("export/archive.json", views.export_json, name="export-json"),
    path("calendar/", views.calendar_page, name="calendar"),
    path("calendar/new/", views.calendar_issue, name="calendar-issue"),
    path("calendar/revoke/", views.calendar_revoke, name="calendar-revoke"),
    path("feed.ics", views.feed, name="feed"),
    path("people/<int:person_id>/export/", views.person_export, name="person-export"),
    path("people/<int:person_id>/erase/", views.person_erase, name="person-erase"),
    path("erasures/", views.erasures, name="erasures"),
    path("settings/", views.records_settings, name="settings"),
    path("settings/dispose/", views.dispose, name="dispose"),
]
