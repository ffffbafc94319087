"""The upload page, the job page and its htmx fragment, the template downloads."""

from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings
from python_calamine import CalamineWorkbook

from xeploai.imports.tests.conftest import headers, write_xlsx
from xeploai.jobs.models import Job, JobStatus
from xeploai.jobs.services import run_once
from xeploai.testing import Cast

pytestmark = pytest.mark.django_db
GOOD = ["Phạm Văn Hùng", "15/08/1985", "Nam", "084185000123", "", "19/05/2010", "", "A1"]


@pytest.fixture(autouse=True)
def _no_inline(settings: Settings, tmp_path: Path) -> None:
    settings.INLINE_JOBS = False
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_menu_shows_imports_to_those_who_may_import(client: Client, cast: Cast) -> None:
    client.force_login(cast.clerk)
    assert reverse("import_home") in client.get(reverse("unit_list")).content.decode()
    client.force_login(cast.inspector)
    assert reverse("import_home") not in client.get(reverse("unit_list")).content.decode()


def test_an_upload_queues_a_job_and_its_page_shows_the_progress_then_the_errors(
    client: Client, cast: Cast, tmp_path: Path
) -> None:
    client.force_login(cast.clerk)
    bad = [*GOOD[:1], "31/02/1980", *GOOD[2:]]
    path = write_xlsx(tmp_path / "dv.xlsx", "DangVien", headers("people")[:8], [bad])
    response = client.post(
        reverse("import_upload", args=["A"]),
        {
            "kind": "people",
            "mode": "apply",
            "file": SimpleUploadedFile("dv.xlsx", path.read_bytes()),
        },
    )
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "job_detail", args=[job.pk]
    )
    page = client.get(reverse("job_detail", args=[job.pk])).content.decode()
    assert '<progress class="jobprogress" max="100" value="0">' in page
    assert 'hx-trigger="every 1s"' in page
    run_once()
    fragment = client.get(reverse("job_detail", args=[job.pk]), headers={"HX-Request": "true"})
    html = fragment.content.decode()
    assert "<html" not in html and 'id="job-progress"' in html
    assert "hx-trigger" not in html  # finished: the polling stops
    assert "31/02/1980" in html and "Ngày sinh" in html
    assert "style=" not in html  # the CSP forbids inline styles


def test_a_successful_dry_run_shows_what_would_change(
    client: Client, cast: Cast, tmp_path: Path
) -> None:
    client.force_login(cast.upper_board)
    path = write_xlsx(tmp_path / "dv.xlsx", "DangVien", headers("people")[:8], [GOOD])
    client.post(
        reverse("import_upload", args=["A"]),
        {
            "kind": "people",
            "mode": "dry_run",
            "file": SimpleUploadedFile("dv.xlsx", path.read_bytes()),
        },
    )
    job = run_once()
    assert job is not None and job.status == JobStatus.DONE
    html = client.get(reverse("job_detail", args=[job.pk])).content.decode()
    assert "sẽ tạo mới" in html


def test_a_file_of_the_wrong_type_is_refused_by_the_form(client: Client, cast: Cast) -> None:
    client.force_login(cast.clerk)
    response = client.post(
        reverse("import_upload", args=["A"]),
        {"kind": "people", "mode": "apply", "file": SimpleUploadedFile("dv.pdf", b"%PDF")},
    )
    assert response.status_code == 200
    assert "Chỉ nhận tệp .xlsx hoặc .csv." in response.content.decode()
    assert not Job.objects.exists()


@pytest.mark.parametrize("kind", ["units", "people", "results"])
def test_templates_download_with_their_guide(client: Client, cast: Cast, kind: str) -> None:
    client.force_login(cast.clerk)
    response = client.get(reverse("import_template", args=[kind]))
    assert response["Content-Disposition"] == f'attachment; filename="mau-nhap-{kind}.xlsx"'
    workbook = CalamineWorkbook.from_filelike(BytesIO(response.content))
    assert "HuongDan" in workbook.sheet_names
    assert client.get(reverse("import_template", args=["nope"])).status_code == 404


def test_a_decomposed_file_name_is_stored_composed(
    client: Client, cast: Cast, tmp_path: Path
) -> None:
    """macOS sends file names decomposed (NFD): the job and the audit event keep them NFC."""
    import unicodedata

    from xeploai.audit.models import AuditEvent

    client.force_login(cast.clerk)
    path = write_xlsx(tmp_path / "dv.xlsx", "DangVien", headers("people")[:8], [GOOD])
    name = unicodedata.normalize("NFD", "Danh sách đảng viên.xlsx")
    client.post(
        reverse("import_upload", args=["A"]),
        {"kind": "people", "mode": "apply", "file": SimpleUploadedFile(name, path.read_bytes())},
    )
    job = Job.objects.get()
    assert job.input_name == unicodedata.normalize("NFC", name)
    run_once()
    event = AuditEvent.objects.get(action="import_people")
    assert event.note == unicodedata.normalize("NFC", name)
