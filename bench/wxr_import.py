"""Import a big generated WordPress export into a fresh SQLite site: speed and peak memory.

    python -m bench.wxr_import [--posts 1000] [--comments 200] [--seed 1] [--keep DIR]

The export (bench/wxr_file.py) is written first; then `broadsheet import wxr` runs in a
child process on an empty SQLite database, so that its peak RSS is the import's own. The
targets are those of the migration issue: 200,000 comments from a 200 MB file at 5,000 or
more comments a second, under 400 MB of memory.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import django

TARGET_COMMENTS_PER_SECOND = 5_000
TARGET_PEAK_RSS_MB = 400


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--comments", type=int, default=200, help="comments per post")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="write the export and database here")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "broadsheet.settings")
    django.setup()
    from bench.wxr_file import write_wxr

    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        export, database = folder / "export.xml", folder / "site.sqlite3"
        database.unlink(missing_ok=True)
        with export.open("w", encoding="utf-8") as out:
            write_wxr(out, posts=args.posts, comments=args.comments, seed=args.seed)
        size_mb = export.stat().st_size / 1e6
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
        command = [sys.executable, "-m", "broadsheet.cli"]
        subprocess.run([*command, "manage", "migrate", "-v0"], env=env, check=True)  # noqa: S603
        started = time.perf_counter()
        importing = subprocess.Popen(  # noqa: S603 - our own command, our own arguments
            [*command, "import", "wxr", str(export), "--quiet"],
            env=env,
            stdout=subprocess.DEVNULL,
        )
        # wait4 gives this one child's peak memory (the migration's is not mixed in).
        _pid, status, usage = os.wait4(importing.pid, 0)
        importing.returncode = os.waitstatus_to_exitcode(status)
        if importing.returncode != 0:
            raise SystemExit(f"broadsheet import wxr failed ({importing.returncode})")
        seconds = time.perf_counter() - started
    comments = args.posts * args.comments
    peak_mb = usage.ru_maxrss / 1024
    rate = comments / seconds
    print(f"WXR import: {args.posts:,} posts, {comments:,} comments, {size_mb:.0f} MB file")
    print(
        f"  {seconds:.1f} s, {rate:,.0f} comments/s (target {TARGET_COMMENTS_PER_SECOND:,}), "
        f"peak RSS {peak_mb:.0f} MB (target under {TARGET_PEAK_RSS_MB})"
    )


if __name__ == "__main__":
    main()
