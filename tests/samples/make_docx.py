"""Write the .docx samples: notices whose headings use Word's automatic numbering.

Run from the repository root: python tests/samples/make_docx.py
Each line of a spec is "LEVEL|text": LEVEL is the list level (0, 1, 2) or "-" for a
plain paragraph, "T" for a two-cell table row (cells split on " | ").
"""

from __future__ import annotations

from pathlib import Path

import docx
from docx.oxml import parse_xml

HERE = Path(__file__).parent
W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'

DONGSHAN = """-|东山县人民医院党委关于县委巡察整改进展情况的通报
-|根据县委统一部署，2023年9月4日至10月27日，县委第一巡察组对县人民医院党委进行了巡察。2023年12月5日，县委巡察组反馈了巡察意见。现将整改进展情况通报如下。
0|关于“医疗服务质量管理不到位”问题的整改情况
1|针对“门诊预约诊疗推进缓慢”问题
2|上线分时段预约系统，预约诊疗率提高到65%。
2|增设自助服务机10台，减少排队时间。
1|针对“病历书写不规范”问题
2|开展病历质量专项检查3次，抽查病历2400份。
2|对问题较多的4个科室负责人进行约谈。
2|将病历质量纳入科室绩效考核。
0|关于“廉洁风险防控不够严密”问题的整改情况
1|针对“药品耗材采购监管不严”问题
2|建立药品耗材遴选委员会，明确集体决策程序。
2|清退不合规供应商7家，节约采购资金约126万元。
1|针对“医德医风教育不经常”问题
2|组织医德医风专题教育两场，覆盖职工八百余人。
2|签订廉洁行医承诺书932份。
-|下一步，医院党委将：一是持续深化整改；二是强化日常监督；三是推动建章立制。
-|欢迎广大干部群众监督。监督电话：0570-6123456；来信请寄：东山县人民医院纪检监察室（邮编：324100）。
-|中共东山县人民医院委员会
-|2024年2月28日"""

NANHU = """-|南湖市南湖区南湖街道党工委关于巡察整改情况的通报
-|按照区委统一部署，2023年4月3日至5月31日，区委第三巡察组对南湖街道党工委开展了常规巡察，并于2023年7月14日反馈了巡察意见。
0|整改工作总体情况
-|街道党工委召开专题会议12次，研究部署整改工作，逐项明确责任领导和完成时限。
0|巡察反馈问题整改落实情况
1|关于“基层治理能力不足”的问题
2|整合网格员力量，划分网格42个。
2|建立“街道吹哨、部门报到”机制，解决群众诉求三百二十件。
1|关于“社区服务阵地利用率不高”的问题
2|对辖区11个社区服务中心进行功能改造。
2|开设“四点半课堂”等服务项目，全年服务居民约6000人次。
2|建立阵地使用情况月通报制度。
1|关于“村级集体资金管理不规范”的问题
2|开展村级财务专项审计，发现问题25个，已整改23个。
2|追缴违规资金18.5万元。
0|下一步工作打算
1|持续巩固整改成果。
1|健全长效机制。
-|欢迎社会各界对整改工作进行监督。
T|监督电话 | 0574-5550123
T|通信地址 | 南湖市南湖区南湖街道人民路1号
-|中共南湖市南湖区南湖街道工作委员会
-|2023年10月9日"""

# (numFmt, lvlText) per level of each sample's list.
DONGSHAN_LEVELS = [("chineseCounting", "%1、"), ("chineseCounting", "（%2）"), ("decimal", "%3.")]
NANHU_LEVELS = [
    ("chineseCounting", "%1、"),
    ("chineseCounting", "（%2）"),
    ("decimalEnclosedCircle", "%3"),
]


def add_list(document, levels: list[tuple[str, str]], abstract_id: int) -> str:
    """Add an abstract list and a w:num pointing to it; return the numId."""
    numbering = document.part.numbering_part.element
    lvls = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/><w:suff w:val="nothing"/></w:lvl>'
        for i, (fmt, text) in enumerate(levels)
    )
    abstract = parse_xml(
        f'<w:abstractNum {W_NS} w:abstractNumId="{abstract_id}">{lvls}</w:abstractNum>'
    )
    num_id = str(abstract_id + 100)
    num = parse_xml(
        f'<w:num {W_NS} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/></w:num>'
    )
    first_num = numbering.find(num.tag)
    if first_num is not None:
        first_num.addprevious(abstract)  # abstractNum elements must precede num elements
    else:
        numbering.append(abstract)
    numbering.append(num)
    return num_id


def number(paragraph, num_id: str, level: int) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    ppr.append(
        parse_xml(f'<w:numPr {W_NS}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>')
    )


def write(spec: str, levels: list[tuple[str, str]], path: Path) -> None:
    document = docx.Document()
    num_id = add_list(document, levels, abstract_id=90)
    for line in spec.splitlines():
        kind, text = line.split("|", 1)
        if kind == "T":
            row = document.add_table(rows=1, cols=2).rows[0]
            for cell, value in zip(row.cells, text.split(" | "), strict=True):
                cell.text = value.strip()
            continue
        paragraph = document.add_paragraph(text)
        if kind != "-":
            number(paragraph, num_id, int(kind))
    document.core_properties.author = "zhenggai tests"
    document.save(path)


if __name__ == "__main__":
    write(DONGSHAN, DONGSHAN_LEVELS, HERE / "dongshan-hospital-2024.docx")
    write(NANHU, NANHU_LEVELS, HERE / "nanhu-street-2023.docx")
