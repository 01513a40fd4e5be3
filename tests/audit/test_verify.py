"""`zhenggai audit verify`: the audit chain, then every evidence file."""

import pytest

from zhenggai.audit.models import Event
from zhenggai.cli import main


def verify() -> int:
    return main(["audit", "verify"])


@pytest.mark.django_db
def test_it_verifies_an_intact_record(reported, capsys):
    assert verify() == 0
    assert "全部完好" in capsys.readouterr().out


@pytest.mark.django_db
def test_it_catches_an_altered_event(reported, capsys):
    Event.objects.filter(act="progress.reported").update(data={"measure": 0})
    assert verify() == 1
    assert "审计链断裂" in capsys.readouterr().err


@pytest.mark.django_db
def test_it_catches_a_swapped_evidence_file(reported, capsys):
    with open(reported.file.path, "wb") as fh:
        fh.write(b"%PDF-forged")
    assert verify() == 1
    assert "SHA-256 不符" in capsys.readouterr().err


@pytest.mark.django_db
def test_it_catches_a_missing_evidence_file(reported, capsys):
    reported.file.storage.delete(reported.file.name)
    assert verify() == 1
    out, err = capsys.readouterr()
    assert f"佐证材料 {reported.pk}“纪要.pdf”的文件缺失" in err
    assert out.endswith("佐证材料文件 1 个，1 个有问题。\n")
