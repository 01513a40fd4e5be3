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
    os.environ.setdefault("ZHENGGAI_DEMO", "true")
    setup_django()
    from django.conf import settings
    from django.core.management import call_command

    from zhenggai.demo import PASSWORD, load_demo

    call_command("migrate", verbosity=0)
    logins = load_demo()
    print(f"数据目录：{settings.DATA_DIR}")
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        print("  （数据库、佐证材料和密钥都在这里；删除该目录后重新运行 zhenggai demo 即从头开始）")
    else:
        print(
            "  （佐证材料和密钥在这里，数据在 PostgreSQL；清空数据库和该目录后重新运行即从头开始）"
        )
    print(f"演示账号（密码均为 {PASSWORD}；登录页也列出这些账号）：")
    for username, description in logins:
        print(f"  {username:10} {description}")
    if args.no_serve:
        return 0
    return serve("127.0.0.1", args.port)


def cmd_serve(args) -> int:
    setup_django()
    from zhenggai.server import default_workers

    try:
        workers = args.workers if args.workers is not None else default_workers()
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    return serve(args.host, args.port, threads=args.threads, workers=workers)


def serve(host: str, port: int, threads: int = 8, workers: int = 1) -> int:
    from zhenggai.server import serve as run_server

    return run_server(host, port, threads, workers, proxy_options())


def proxy_options() -> dict:
    """Waitress' trusted-proxy options from ZHENGGAI_TRUSTED_PROXIES and _PROXY_HEADER.

    Waitress trusts one proxy address and reads X-Forwarded-For (and -Proto, so that
    Django sees HTTPS); for several proxies, a network or X-Real-IP the application alone
    reads the client's address (zhenggai.middleware.client_address).
    """
    from django.conf import settings

    proxies = settings.TRUSTED_PROXIES
    if len(proxies) != 1 or proxies[0].num_addresses != 1:
        return {}
    if settings.PROXY_HEADER != "X-Forwarded-For":
        return {}
    return {
        "trusted_proxy": str(proxies[0].network_address),
        "trusted_proxy_count": 1,
        "trusted_proxy_headers": {"x-forwarded-for", "x-forwarded-proto"},
        "clear_untrusted_proxy_headers": True,
    }


def cmd_parse(args) -> int:
    from zhenggai.notices.command import run_parse

    return run_parse(args.file, args.json)


def cmd_similar(args) -> int:
    from zhenggai.notices.similar import run_similar

    return run_similar(args.file, args.threshold)


def cmd_verify(args) -> int:
    """The audit chain, its anchors, then every evidence file and its chained hash."""
    setup_django()
    from zhenggai.ledger.integrity import verify_all

    result = verify_all(args.anchors)
    chain = result.chain
    lines = chain.findings + result.evidence
    for line in lines[:50]:
        print(line, file=sys.stderr)
    more = result.problems - len(lines[:50])
    if more > 0:
        print(f"……另有 {more} 处问题未列出。", file=sys.stderr)
    for hint in chain.hints:
        print(f"提示：{hint}", file=sys.stderr)
    last = chain.last_anchor()
    if last is None:
        print("提示：尚无审计链锚点，只能发现链内的改动；请用 zhenggai audit anchor 定期写锚点。")
    else:
        print(f"锚点 {len(chain.anchors)} 个，最近的{last.describe()}为第 {last.count} 条事件。")
    problems = result.problems
    print(
        f"审计事件 {chain.checked} 条，佐证材料文件 {result.files} 个，"
        f"{'全部完好' if not problems else f'{problems} 个有问题'}。"
    )
    return 0 if result.ok else 1


def cmd_anchor(args) -> int:
    """Append the chain's head to the anchor file, and mail it if asked (for cron)."""
    setup_django()
    from zhenggai.audit.anchors import anchor_path, mail_anchor, write_anchor

    try:
        anchor = write_anchor(args.to, note=args.note)
    except OSError as exc:
        print(f"错误：锚点文件 {anchor_path(args.to)} 无法写入：{exc.strerror}", file=sys.stderr)
        return 2
    print(f"已写入锚点：第 {anchor.count} 条事件，哈希 {anchor.hash}，文件 {anchor_path(args.to)}")
    if args.mail:
        try:
            mail_anchor(anchor, args.mail)
        except OSError as exc:
            print(f"错误：锚点邮件未能发往 {args.mail}：{exc}", file=sys.stderr)
            return 1
        print(f"已发往 {args.mail}")
    return 0


def cmd_rotate_key(args) -> int:
    setup_django()
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    from zhenggai.audit.keys import rotate

    try:
        key_id = rotate()
    except ImproperlyConfigured as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    print(f"已启用新的审计密钥 {key_id}（{settings.AUDIT_KEY_FILE}），旧密钥保留用于校验旧事件。")
    return 0


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


def positive(text: str) -> int:
    if not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"应为正整数，现为“{text}”")
    return int(text)


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
    serve_cmd.add_argument("--threads", type=int, default=8, help="每个工作进程的线程数")
    serve_cmd.add_argument(
        "--workers",
        type=positive,
        default=None,
        help="工作进程数（默认：环境变量 ZHENGGAI_WORKERS；PostgreSQL 每核一个，SQLite 一个）",
    )
    serve_cmd.set_defaults(func=cmd_serve)

    parse = sub.add_parser("parse", help="解析整改通报或反馈意见")
    parse.add_argument("file")
    parse.add_argument("--json", action="store_true", help="按 notice-format 输出 JSON")
    parse.set_defaults(func=cmd_parse)

    similar = sub.add_parser("similar", help="问题表述相似度：每行一对 JSON，输出 0 到 1 的相似度")
    similar.add_argument("file", nargs="?", help='JSON 行文件，每行 {"a": 文本, "b": 文本}')
    similar.add_argument("--threshold", action="store_true", help="输出系统采用的阈值")
    similar.set_defaults(func=cmd_similar)

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

    check_counts = sub.add_parser("check-counts", help="用扫描核对看板计数，不一致时返回非零")
    check_counts.add_argument("--fix", action="store_true", help="把不一致的计数按扫描结果重算")
    check_counts.set_defaults(func=delegate("zhenggai.ledger.commands", "run_check_counts"))

    audit = sub.add_parser("audit", help="审计日志")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    verify = audit_sub.add_parser("verify", help="校验审计链、锚点和全部佐证材料")
    verify.add_argument("--anchors", metavar="FILE", help="锚点文件，缺省为配置的锚点文件")
    verify.set_defaults(func=cmd_verify)
    anchor = audit_sub.add_parser("anchor", help="把审计链的当前末端写到数据库之外（供 cron 调用）")
    anchor.add_argument("--to", metavar="FILE", help="锚点文件（追加），缺省为配置的锚点文件")
    anchor.add_argument("--mail", metavar="ADDRESS", help="同时把锚点发到这个邮箱")
    anchor.add_argument("--note", default="", help="随锚点记下的说明")
    anchor.set_defaults(func=cmd_anchor)
    rotate = audit_sub.add_parser("rotate-key", help="启用新的审计密钥，旧密钥保留")
    rotate.set_defaults(func=cmd_rotate_key)

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
