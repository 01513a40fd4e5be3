"""The `zhenggai` command: demo, serve, parse, import, export, remind, audit, backup."""

from __future__ import annotations

import argparse
import os
import sys


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhenggai.settings")
    import django

    django.setup()


def cmd_demo(args) -> int:
    # The demo serves plain HTTP on 127.0.0.1: cookies must not demand HTTPS.
    os.environ.setdefault("ZHENGGAI_HTTPS", "false")
    setup_django()
    from django.core.management import call_command

    from zhenggai.demo import load_demo

    call_command("migrate", verbosity=0)
    logins = load_demo()
    from django.conf import settings

    print(f"数据目录：{settings.DATA_DIR}")
    print("演示账号（密码均为 demo-2026）：")
    for username, description in logins:
        print(f"  {username:10} {description}")
    if args.no_serve:
        return 0
    return serve("127.0.0.1", args.port)


def cmd_serve(args) -> int:
    setup_django()
    return serve(args.host, args.port, threads=args.threads)


def serve(host: str, port: int, threads: int = 8) -> int:
    from waitress import serve as waitress_serve

    from zhenggai.wsgi import application

    print(f"访问 http://{host}:{port}/ （Ctrl+C 停止）", flush=True)
    waitress_serve(application, host=host, port=port, threads=threads)
    return 0


def cmd_parse(args) -> int:
    from zhenggai.notices.command import run_parse

    return run_parse(args.file, args.json)


def cmd_verify(args) -> int:
    """The audit chain, then every evidence file against its recorded SHA-256."""
    setup_django()
    from django.utils import timezone

    from zhenggai.audit.services import verify_chain
    from zhenggai.ledger.integrity import check_evidence_files

    checked, broken = verify_chain()
    if broken is not None:
        print(
            f"审计链断裂：第 {checked + 1} 条事件（编号 {broken.pk}，{broken.act}，"
            f"{timezone.localtime(broken.at):%Y-%m-%d %H:%M:%S}）的哈希不符，"
            "记录可能被改动。",
            file=sys.stderr,
        )
        return 1
    files, bad = check_evidence_files()
    for line in bad[:20]:
        print(line, file=sys.stderr)
    print(
        f"审计事件 {checked} 条，佐证材料文件 {files} 个，"
        f"{'全部完好' if not bad else f'{len(bad)} 个有问题'}。"
    )
    return 1 if bad else 0


def delegate(module: str, function: str):
    """A command implemented in an app's `commands` module, imported when run."""

    def run(args) -> int:
        setup_django()
        from importlib import import_module

        return getattr(import_module(module), function)(args)

    return run


def cmd_manage(args) -> int:
    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["zhenggai manage", *args.rest])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="zhenggai", description="巡察整改工作平台")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="创建数据目录、迁移、载入演示数据并启动")
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--no-serve", action="store_true", help="只准备数据，不启动服务")
    demo.set_defaults(func=cmd_demo)

    serve_cmd = sub.add_parser("serve", help="以生产 WSGI 服务器运行")
    serve_cmd.add_argument("--host", default=os.environ.get("ZHENGGAI_HOST", "127.0.0.1"))
    serve_cmd.add_argument("--port", type=int, default=int(os.environ.get("ZHENGGAI_PORT", 8000)))
    serve_cmd.add_argument("--threads", type=int, default=8)
    serve_cmd.set_defaults(func=cmd_serve)

    parse = sub.add_parser("parse", help="解析整改通报或反馈意见")
    parse.add_argument("file")
    parse.add_argument("--json", action="store_true", help="按 notice-format 输出 JSON")
    parse.set_defaults(func=cmd_parse)

    imp = sub.add_parser("import", help="导入整改通报、反馈意见或整改台账（全部成功或全部不写）")
    imp.add_argument("file")
    imp.add_argument("--unit", required=True, help="单位简称，不存在则新建")
    imp.set_defaults(func=delegate("zhenggai.ledger.commands", "run_import"))

    export = sub.add_parser("export", help="导出整改通报或整改台账")
    export.add_argument("inspection", type=int)
    export.add_argument("--format", required=True, choices=["txt", "html", "docx", "xlsx"])
    export.add_argument("-o", "--output", help="输出文件，缺省为标准输出（docx、xlsx 须指定）")
    export.add_argument("--internal", action="store_true", help="内部版本（含不公开事项）")
    export.set_defaults(func=delegate("zhenggai.cli_export", "run_export"))

    remind = sub.add_parser("remind", help="发送到期提醒（供 cron 调用）")
    remind.add_argument("--dry-run", action="store_true", help="只打印将要发送的内容")
    remind.set_defaults(func=delegate("zhenggai.oversight.commands", "run_remind"))

    audit = sub.add_parser("audit", help="审计日志")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    verify = audit_sub.add_parser("verify", help="校验审计链和全部佐证材料文件")
    verify.set_defaults(func=cmd_verify)

    backup = sub.add_parser("backup", help="在线备份数据库和佐证材料到一个文件")
    backup.add_argument("file")
    backup.set_defaults(func=delegate("zhenggai.ledger.backup", "run_backup"))
    restore = sub.add_parser("restore", help="从备份恢复到空的数据目录")
    restore.add_argument("file")
    restore.set_defaults(func=delegate("zhenggai.ledger.backup", "run_restore"))

    manage = sub.add_parser("manage", help="Django 管理命令", add_help=False)
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args) or 0


if __name__ == "__main__":
    sys.exit(main())
