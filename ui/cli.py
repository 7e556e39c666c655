"""``cqa``: the command line, a thin layer over ``ingest.ingest`` and ``retrieval.ask_batch``.

User mistakes print one line ``cqa: error: ...`` and exit with code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import csv
import io
import ipaddress
import json
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, NoReturn, TextIO

from retrieval.config import set_offline_env

set_offline_env()

from retrieval.embedders import EMBEDDERS  # noqa: E402
from retrieval.errors import CQAError, InvalidInputError  # noqa: E402

BATCH_STEP = 256
STRICT_HELP = (
    "answer only when the quoted sentence and its neighbours also use the question's own "
    "terms: fewer answers to related questions the text does not answer, more refusals of "
    "questions worded unlike the source"
)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _port(text: str) -> int:
    value = _positive_int(text)
    if value > 65535:
        raise argparse.ArgumentTypeError(f"must be a port from 1 to 65535, got {value}")
    return value


def _print_json(obj: Any, out: TextIO) -> None:
    out.write(json.dumps(obj, ensure_ascii=False) + "\n")


def _format_answer(ans: Any) -> str:
    lines = [ans.answer]
    for c in ans.citations:
        who = ", ".join(x for x in (c.author, f'"{c.title}"', c.publisher, c.date) if x)
        said = f", words of {c.speaker}" if c.quoted_by else ""
        where = (
            f"chars {c.start}-{c.end}"
            if c.quoted_from == "text"
            else f"its {c.quoted_from.replace('_', ' ')}"
        )
        lines.append(f"  [{c.n}] {who} ({where}{said}):")
        lines.append(f"      {' '.join(c.quote.split())}")
    for note in ans.notes:
        lines.append(f"  note: {note}")
    return "\n".join(lines)


def read_questions(path: Path) -> Iterator[tuple[str, Any]]:
    """(id, question) pairs from a ``.txt``, ``.jsonl`` or ``.csv`` batch file.

    A row whose question is missing yields ``(id, None)`` so it is reported in its own line.
    """
    suffix = path.suffix.lower()
    if suffix not in (".txt", ".jsonl", ".csv"):
        raise InvalidInputError(
            f"{path}: unsupported batch file type {suffix or '(none)'!r}; use .txt (one question "
            "a line), .jsonl (objects with 'question' and optional 'id') or .csv (a 'question' column)"
        )
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InvalidInputError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"{path}: cannot read as UTF-8 text ({exc})") from None
    if not text.strip():
        raise InvalidInputError(f"{path}: the batch file is empty")
    if suffix == ".txt":
        for n, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                yield str(n), line
    elif suffix == ".jsonl":
        for n, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                yield str(n), InvalidInputError(f"line {n}: not valid JSON ({exc.msg})")
                continue
            if not isinstance(obj, dict):
                yield str(n), InvalidInputError(f"line {n}: expected a JSON object")
                continue
            qid = obj.get("id", n)
            yield str(qid), obj.get("question")
    else:
        # csv refuses fields over 128 KB by default; a long question is truncated with a note
        # later, like everywhere else, so the limit only needs to cover the file itself.
        csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
        reader = csv.DictReader(io.StringIO(text))
        try:
            fields = [f.strip().lower() for f in (reader.fieldnames or [])]
            if "question" not in fields:
                raise InvalidInputError(
                    f"{path}: the CSV has no 'question' column "
                    f"(columns: {', '.join(fields) or 'none'})"
                )
            reader.fieldnames = fields
            for n, row in enumerate(reader, start=2):
                yield str(row.get("id") or n), row.get("question")
        except csv.Error as exc:
            raise InvalidInputError(
                f"{path}:{reader.line_num}: not a readable CSV file ({exc})"
            ) from None


def run_batch(
    path: Path,
    out: TextIO,
    index_dir: str | None,
    progress: bool,
    answerer: str = "extractive",
) -> tuple[int, int]:
    """Answer every question in ``path``, writing one JSON line each in input order.

    Questions go to ``ask_batch`` in slices so memory stays bounded for any file size; a bad
    question gets an ``error`` line and the others are still answered.
    """
    from tqdm import tqdm

    from retrieval import ask_batch
    from retrieval.api import clean_question

    rows = list(read_questions(path))
    if not rows:
        # e.g. a CSV with only its header: nothing to answer is a mistake, not a success
        raise InvalidInputError(f"{path}: the batch file has no questions")
    ok = failed = 0
    bar = tqdm(total=len(rows), unit="q", desc="answering", disable=not progress, file=sys.stderr)
    for lo in range(0, len(rows), BATCH_STEP):
        part = rows[lo : lo + BATCH_STEP]
        good: list[tuple[int, str]] = []
        results: list[dict[str, Any] | None] = [None] * len(part)
        for i, (qid, q) in enumerate(part):
            try:
                if isinstance(q, Exception):
                    raise q
                if q is None:
                    raise InvalidInputError("no 'question' given")
                clean_question(q)
                good.append((i, q))
            except InvalidInputError as exc:
                results[i] = {
                    "id": qid,
                    "question": q if isinstance(q, str) else None,
                    "error": str(exc),
                }
        answers = (
            ask_batch([q for _, q in good], index_dir=index_dir, answerer=answerer) if good else []
        )
        for (i, _), ans in zip(good, answers):
            results[i] = {"id": part[i][0], **ans.to_dict()}
        for res in results:
            assert res is not None
            if "error" in res:
                failed += 1
            else:
                ok += 1
            _print_json(res, out)
        bar.update(len(part))
    bar.close()
    return ok, failed


def serve_auth(host: str, auth: str | None) -> tuple[str, str] | None:
    """The (user, password) login for ``cqa serve``; refuses an open non-loopback bind.

    >>> serve_auth("127.0.0.1", None) is None
    True
    >>> serve_auth("0.0.0.0", None)
    Traceback (most recent call last):
    ...
    retrieval.errors.InvalidInputError: binding 0.0.0.0 exposes the chat beyond this machine; give --auth USER:PASSWORD (or set CQA_AUTH), or use --host 127.0.0.1
    """
    login: tuple[str, str] | None = None
    if auth:
        user, sep, password = auth.partition(":")
        if not sep or not user or not password:
            raise InvalidInputError("--auth must look like USER:PASSWORD, both parts non-empty")
        login = (user, password)
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if not loopback and login is None:
        raise InvalidInputError(
            f"binding {host} exposes the chat beyond this machine; give --auth USER:PASSWORD "
            "(or set CQA_AUTH), or use --host 127.0.0.1"
        )
    return login


class _Parser(argparse.ArgumentParser):
    """argparse with the CLI's error style: one line, exit code 2, the valid values named."""

    def error(self, message: str) -> NoReturn:
        if message.startswith("unrecognized arguments"):
            options = sorted(
                {
                    opt
                    for action in self._actions
                    for opt in action.option_strings
                    if opt.startswith("--") and opt != "--help"
                }
            )
            message += (
                f"; valid options for `{self.prog}`: {', '.join(options)}"
                if options
                else f"; `{self.prog}` takes no options"
            )
        commands = _subparsers(self)
        if commands and "required: COMMAND" in message:
            message += f"; commands: {', '.join(commands)}"
        self.exit(2, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="cqa",
        description="Commentary Q&A: ask questions of expert commentary, answers cited to the source.",
    )
    index_help = "index folder (default: $CQA_INDEX, else .cqa-index in the repo)"
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    s = sub.add_parser("ingest", help="add or update articles (.md, .txt, .jsonl files or folders)")
    s.add_argument("paths", nargs="+", metavar="PATH")
    s.add_argument("--index", help=index_help)
    s.add_argument("--prune", action="store_true", help="remove articles whose source is gone")
    s.add_argument("--rebuild", action="store_true", help="discard the index and build it anew")
    s.add_argument(
        "--boilerplate", metavar="FILE", help="extra boilerplate rules, one regex a line"
    )
    s.add_argument(
        "--wait",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="wait this long for another ingest's lock",
    )
    s.add_argument(
        "--embedder",
        choices=sorted(EMBEDDERS),
        help="embedding model for a new or rebuilt index (default: $CQA_EMBEDDER, else the "
        "index's own, else minilm; minilm-int8 answers single questions about 2x faster)",
    )
    s.add_argument("--quiet", action="store_true", help="no progress bar")
    s.add_argument("--json", action="store_true", help="print the report as JSON")

    s = sub.add_parser("ask", help="answer one question with citations")
    s.add_argument("question")
    s.add_argument("--index", help=index_help)
    s.add_argument("--doc", action="append", metavar="ID", help="only this article (repeatable)")
    s.add_argument("--author", action="append", help="only this author's articles (repeatable)")
    s.add_argument("--strict", action="store_true", help=STRICT_HELP)
    s.add_argument("--json", action="store_true", help="print Answer.to_dict() as JSON")

    s = sub.add_parser("search", help="show the passages retrieved for a question")
    s.add_argument("question")
    s.add_argument(
        "--k", type=_positive_int, default=5, help="how many passages (at least 1; default 5)"
    )
    s.add_argument("--index", help=index_help)
    s.add_argument("--doc", action="append", metavar="ID", help="only this article (repeatable)")
    s.add_argument("--author", action="append", help="only this author's articles (repeatable)")
    s.add_argument("--json", action="store_true", help="print the passages as JSON")

    s = sub.add_parser(
        "batch", help="answer a file of questions (.txt, .jsonl, .csv) as JSON lines"
    )
    s.add_argument("file", type=Path)
    s.add_argument("--out", type=Path, help="write JSON lines here instead of standard output")
    s.add_argument("--index", help=index_help)
    s.add_argument("--strict", action="store_true", help=STRICT_HELP)
    s.add_argument("--quiet", action="store_true", help="no progress bar")

    s = sub.add_parser("serve", help="serve the chat in the browser")
    s.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    s.add_argument("--port", type=_port, default=7860, help="port (default 7860)")
    s.add_argument("--index", help=index_help)
    s.add_argument(
        "--auth",
        metavar="USER:PASSWORD",
        help="require this login (or set $CQA_AUTH); needed to bind anything but loopback",
    )

    s = sub.add_parser("eval", help="measure retrieval and answers on external data sets")
    s.add_argument(
        "--data",
        type=Path,
        default=Path(__file__).resolve().parent.parent.parent / "shared" / "eval-data",
        help="the eval-data folder (default ../shared/eval-data beside the repo)",
    )
    s.add_argument(
        "--sets",
        default="seed,clapnq,perspectrum",
        help="comma-separated: seed, clapnq, perspectrum",
    )
    s.add_argument("--work", type=Path, help="keep scratch indexes here (reruns are incremental)")
    s.add_argument(
        "--limit", type=_positive_int, help="at most this many QA questions of each kind"
    )
    s.add_argument(
        "--json", type=Path, dest="json_out", metavar="FILE", help="also write all numbers here"
    )

    s = sub.add_parser("remove", help="remove articles from the index by id")
    s.add_argument("doc_ids", nargs="+", metavar="ID")
    s.add_argument("--index", help=index_help)

    s = sub.add_parser("status", help="describe the index (manifest summary)")
    s.add_argument("--index", help=index_help)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args, extra = parser.parse_known_args(argv)
        if extra:
            # Name the options of the command that was given, not those of `cqa` itself.
            sub = _subparsers(parser).get(args.command, parser)
            sub.error(f"unrecognized arguments: {' '.join(extra)}")
    except SystemExit as exc:
        # --help and usage errors end here; in-process callers get the code like any other.
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    try:
        return _dispatch(args)
    except CQAError as exc:
        # One line even when the cause spans several (YAML parser errors do).
        print(f"cqa: error: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(
            "cqa: interrupted; the index is unchanged unless the command finished", file=sys.stderr
        )
        return 130
    except BrokenPipeError:
        # `cqa ask … | head -1`: the reader stopped reading, which is no error of ours.
        # Python would report it again when flushing stdout at exit, so point stdout at
        # /dev/null first (the documented idiom).
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _dispatch(args: argparse.Namespace) -> int:
    out = sys.stdout
    if args.command == "ingest":
        from ingest import ingest

        report = ingest(
            args.paths,
            args.index,
            prune=args.prune,
            rebuild=args.rebuild,
            boilerplate_rules=args.boilerplate,
            progress=not args.quiet and not args.json,
            wait_seconds=args.wait,
            embedder_name=args.embedder,
        )
        if args.json:
            _print_json(report.to_dict(), out)
        else:
            print(report.summary(), file=out)
        return 0
    if args.command == "ask":
        from retrieval import ask

        ans = ask(
            args.question,
            index_dir=args.index,
            doc_ids=args.doc,
            authors=args.author,
            answerer="strict" if args.strict else "extractive",
        )
        if args.json:
            _print_json(ans.to_dict(), out)
        else:
            print(_format_answer(ans), file=out)
        return 0
    if args.command == "search":
        from retrieval import search

        passages = search(
            args.question, k=args.k, index_dir=args.index, doc_ids=args.doc, authors=args.author
        )
        if args.json:
            _print_json([p.to_dict() for p in passages], out)
        else:
            for i, p in enumerate(passages, start=1):
                print(
                    f"{i}. [{p.doc_id}] {p.title} — {p.author} (score {p.score:.4f}, {'+'.join(p.retrievers)})",
                    file=out,
                )
                print(f"   {' '.join(p.text.split())[:300]}", file=out)
        return 0
    if args.command == "batch":
        progress = not args.quiet
        answerer = "strict" if args.strict else "extractive"
        if args.out:
            if args.out.resolve() == args.file.resolve():
                raise InvalidInputError("--out must not be the input file")
            tmp = args.out.with_name(args.out.name + ".partial")
            try:
                with open(tmp, "w", encoding="utf-8") as fh:
                    ok, failed = run_batch(args.file, fh, args.index, progress, answerer)
            except BaseException:
                # A rejected batch file leaves no half-written output behind.
                tmp.unlink(missing_ok=True)
                raise
            tmp.replace(args.out)
        else:
            ok, failed = run_batch(args.file, out, args.index, progress, answerer)
        print(f"batch: {ok} answered, {failed} failed", file=sys.stderr)
        return 0 if failed == 0 else 1
    if args.command == "serve":
        from ui.app import launch

        auth = serve_auth(args.host, args.auth or os.environ.get("CQA_AUTH"))
        launch(index_dir=args.index, host=args.host, port=args.port, auth=auth)
        return 0
    if args.command == "eval":
        from evaluation.run import run_eval

        sets = [x.strip() for x in args.sets.split(",") if x.strip()]
        if not args.data.is_dir():
            raise InvalidInputError(f"{args.data}: no such folder; give --data PATH/TO/eval-data")
        corpus = Path(__file__).resolve().parent.parent / "corpus"
        results = run_eval(args.data, sets, corpus, work=args.work, limit=args.limit)
        if args.json_out:
            args.json_out.write_text(json.dumps(results, indent=2, ensure_ascii=False), "utf-8")
        return 0
    if args.command == "remove":
        from ingest import remove_articles

        print(remove_articles(args.doc_ids, args.index).summary(), file=out)
        return 0
    if args.command == "status":
        from ingest import index_status

        _print_json(index_status(args.index), out)
        return 0
    raise InvalidInputError(f"unknown command {args.command!r}")


if __name__ == "__main__":
    sys.exit(main())
