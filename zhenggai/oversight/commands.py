"""`zhenggai remind`: the reminder digests, for cron."""

from __future__ import annotations

import sys

from django.utils import timezone

from .reminders import build_digests, send_digests, webhook_settings


def run_remind(args, today=None) -> int:
    """Send (or with --dry-run print) each person's digest; non-zero if any failed."""
    today = today or timezone.localdate()
    digests = build_digests(today)
    if not digests:
        print("没有超期或即将到期的整改措施，未发送提醒。")
        return 0
    if args.dry_run:
        for digest in digests:
            print(f"== {digest.name} <{digest.user.email or '无邮箱'}>：{digest.subject(today)}")
            print(digest.body(today))
        print(f"（试运行）将发送 {len(digests)} 份提醒，未实际发送。")
        return 0
    failures = []
    try:
        webhook = webhook_settings()
    except ValueError as exc:
        webhook, failures = None, [str(exc)]
    outcome = send_digests(digests, today, webhook)
    for line in outcome.skipped:
        print(f"提示：{line}", file=sys.stderr)
    for line in failures + outcome.failures:
        print(f"失败：{line}", file=sys.stderr)
    print(f"已发送 {outcome.sent} 份提醒邮件，失败 {len(failures + outcome.failures)} 项。")
    return 1 if failures or outcome.failures else 0
