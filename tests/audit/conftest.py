import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from zhenggai.ledger import services
from zhenggai.ledger.models import Evidence, Measure


@pytest.fixture
def reported(ledger_a, cast) -> Evidence:
    """Owen's report on unit A's first measure, with one PDF: the only evidence."""
    measure = Measure.objects.filter(problem__inspection=ledger_a).first()
    services.report_progress(
        measure,
        actor=cast["owen"],
        text="进展",
        reported_on=ledger_a.feedback_date,
        files=[SimpleUploadedFile("纪要.pdf", b"%PDF-1 original")],
    )
    return Evidence.objects.get()
