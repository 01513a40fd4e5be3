"""Importing the same thing twice warns, links to the first, and needs a confirmation."""

import pytest

from tests.ledger.test_import import FIELDS, GOOD, upload, workbook
from zhenggai.ledger.models import Inspection

pytestmark = pytest.mark.django_db


def test_it_warns_before_importing_the_same_file_twice(login, cast, units):
    client = login("alice")
    data = workbook(GOOD)
    client.post(upload(client, data), {**FIELDS, "unit": units["A"].pk})
    first = Inspection.objects.get()
    assert len(first.source_sha256) == 64
    preview = upload(client, data)
    page = client.get(preview).content.decode()
    assert "已导入过" in page and f"/inspections/{first.pk}/" in page
    response = client.post(preview, {**FIELDS, "unit": units["A"].pk})
    assert response.status_code == 200 and "如确需再次导入，请勾选确认" in response.content.decode()
    assert Inspection.objects.count() == 1
    client.post(preview, {**FIELDS, "unit": units["A"].pk, "again": "on"})
    assert Inspection.objects.count() == 2


def test_it_warns_on_the_same_unit_and_round_from_another_file(login, cast, units):
    client = login("alice")
    client.post(upload(client, workbook(GOOD)), {**FIELDS, "unit": units["A"].pk})
    # The same ledger typed again with another date line: another file, same round.
    preview = upload(client, workbook(GOOD, feedback="反馈日期：2022年2月10日"))
    response = client.post(preview, {**FIELDS, "unit": units["A"].pk})
    assert response.status_code == 200 and Inspection.objects.count() == 1
    # Another round of the same unit is no repeat.
    client.post(preview, {**FIELDS, "round": "一届区委第三轮巡察", "unit": units["A"].pk})
    assert Inspection.objects.count() == 2
