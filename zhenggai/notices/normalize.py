"""Character-for-character normalisation of a notice.

Every mapping here keeps the length of the text, so an offset found in the
normalised text is an offset into the text as given: titles, measures and figures
are cut from the original, traditional characters and curly quotes included.
"""

from __future__ import annotations

import re

# Traditional forms of the characters the parser keys on (structure words, units,
# contact labels). A few dozen pairs are enough; the rest of the text is copied as is.
_TRADITIONAL = (
    "關於針對問題況進報見饋單級黨組員會議書記區縣屆輪條項個場處萬億兩電話郵編號聯繫係"
    "歡監舉導領貫徹實現將為開專們層設計劃訂應規範體製發傳達習點後時間來瀏覽數頁視長辦"
    "訊碼總經濟鎮業務門職幹這錢廳機構財審華國紀檢幫鄉優續強鞏學嚴肅戶臺張筆餘約幾揮"
    "確認識黨員廉潔違紀線網參與醫療補獎勵費種類處理訪談話題復覆産產準則遠際陳舊責"
)
_SIMPLIFIED = (
    "关于针对问题况进报见馈单级党组员会议书记区县届轮条项个场处万亿两电话邮编号联系系"
    "欢监举导领贯彻实现将为开专们层设计划订应规范体制发传达习点后时间来浏览数页视长办"
    "讯码总经济镇业务门职干这钱厅机构财审华国纪检帮乡优续强巩学严肃户台张笔余约几挥"
    "确认识党员廉洁违纪线网参与医疗补奖励费种类处理访谈话题复复产产准则远际陈旧责"
)
assert len(_TRADITIONAL) == len(_SIMPLIFIED)

_TABLE: dict[int, str] = {ord(t): s for t, s in zip(_TRADITIONAL, _SIMPLIFIED, strict=True)}
# Full-width ASCII (！ to ～) to half-width: （一） and (一), １．and 1. are one hand.
_TABLE.update({code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)})
_TABLE.update({ord(ch): " " for ch in "\u3000\xa0\t\u2002\u2003\u2009\u200b\ufeff|"})
_TABLE.update(
    {
        ord("\r"): "\n",
        ord("「"): "“",
        ord("」"): "”",
        ord("『"): "‘",
        ord("』"): "’",
        ord("〝"): "“",
        ord("〞"): "”",
        ord("﹝"): "〔",
        ord("﹞"): "〕",
        ord("．"): ".",
        ord("﹐"): ",",
        ord("﹑"): "、",
    }
)

_STRAIGHT = re.compile(r"[\"']")


def normalise(text: str) -> str:
    """Same-length text with one form per character: simplified, half-width, curly quotes."""
    work = text.translate(_TABLE)
    if '"' in work or "'" in work:
        work = _curl_quotes(work)
    assert len(work) == len(text)
    return work


def _curl_quotes(text: str) -> str:
    """Straight quotes alternate open and close within each line."""
    out = []
    for line in text.split("\n"):
        state = {'"': False, "'": False}

        def curl(match: re.Match[str], state: dict[str, bool] = state) -> str:
            mark = match.group()
            state[mark] = not state[mark]
            if mark == '"':
                return "“" if state[mark] else "”"
            return "‘" if state[mark] else "’"

        out.append(_STRAIGHT.sub(curl, line))
    return "\n".join(out)
