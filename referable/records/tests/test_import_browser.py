"""In headless Chromium: upload a CSV, correct a column, preview, import, see the people."""

import pytest
from playwright.sync_api import Page, expect

from referable.people.tests.factories import make_person
from referable.people.tests.test_people_browser import log_in
from referable.records.tests.factories import EXCEL_CSV

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_import_a_csv_with_a_preview_then_find_the_people(
    page: Page, live_server, professional, practice, tmp_path
):
    make_person(practice, first_name="Ann", last_name="Lee", emails=["ann@leepark.example"])
    path = tmp_path / "contacts.csv"
    path.write_bytes(EXCEL_CSV)
    log_in(page, live_server, professional)
    page.goto(f"{live_server.url}/records/import/")
    page.get_by_label("CSV or vCard file").set_input_files(str(path))
    page.get_by_role("button", name="Upload and map the columns").click()

    expect(page.get_by_role("heading", name="What is in each column?")).to_be_visible()
    expect(page.get_by_label("Company")).to_have_value("organization")
    page.get_by_label("Notes").select_option("")  # keep our own notes
    page.get_by_role("button", name="Preview the import").click()

    preview = page.locator("table.preview")
    expect(preview).to_contain_text("Matches Ann Lee by e-mail ann@leepark.example")
    expect(preview.locator("tr.outcome-create")).to_have_count(2)
    page.get_by_role("button", name="Import now").click()
    expect(page.locator("#progress")).to_contain_text("Import finished")
    expect(page.locator("#progress")).to_contain_text("2 created, 1 updated")

    page.get_by_role("link", name="See your people").click()
    page.get_by_label("Search by name, organization or e-mail").fill("granite")
    expect(page.locator("#results")).to_contain_text("Bob Stone")
