"""`zhenggai export`: one registry of export formats, each implemented in its app."""

from importlib import import_module

# format -> (module, function); each function takes (inspection, internal) and
# returns bytes.
EXPORTERS = {
    "txt": ("zhenggai.disclosure.exports", "notice_txt"),
    "html": ("zhenggai.disclosure.exports", "notice_html"),
    "docx": ("zhenggai.disclosure.exports", "notice_docx"),
    "xlsx": ("zhenggai.ledger.workbook", "export_inspection"),
}


def run_export(args) -> int:
    import sys

    from zhenggai.ledger.models import Inspection

    inspection = Inspection.objects.select_related("unit").filter(pk=args.inspection).first()
    if inspection is None:
        print(f"错误：巡察 {args.inspection} 不存在。", file=sys.stderr)
        return 2
    if args.format in ("docx", "xlsx") and not args.output:
        print(f"错误：{args.format} 格式须用 -o 指定输出文件。", file=sys.stderr)
        return 2
    module, function = EXPORTERS[args.format]
    data = getattr(import_module(module), function)(inspection, internal=args.internal)
    if args.output:
        with open(args.output, "wb") as fh:
            fh.write(data)
        print(f"已导出：{args.output}")
    else:
        sys.stdout.write(data.decode("utf-8"))
    return 0
