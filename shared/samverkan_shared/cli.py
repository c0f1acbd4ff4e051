"""`samverkan`: the operator's command line; services add their commands via entry points.

Start-up is kept cheap (`samverkan audit verify` is timed with it): the supervisor
(SQLModel, Alembic) is imported only by the commands that run services, and each
service's `register` adds its parsers without importing the service itself.
"""

import argparse
import os
import subprocess
import sys
from collections.abc import Sequence
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING

from samverkan_shared.service_spec import ServiceSpec, discover_services

if TYPE_CHECKING:
    from samverkan_shared.supervisor import Suite

__all__ = ["main"]


def _spec(name: str) -> ServiceSpec:
    specs = {spec.name: spec for spec in discover_services()}
    if name not in specs:
        raise SystemExit(f"unknown service {name!r}; known: {', '.join(sorted(specs))}")
    return specs[name]


def _data_dir(args: argparse.Namespace) -> Path:
    return Path(args.data_dir or os.environ.get("SAMVERKAN_DATA_DIR", "var"))


def _run(args: argparse.Namespace) -> int:
    from samverkan_shared.supervisor import Suite

    suite = Suite(data_dir=_data_dir(args), host=args.host, demo=not args.no_demo)
    if not _configured(suite):
        return 2
    try:
        return _start_and_supervise(suite)
    except KeyboardInterrupt:
        # Ctrl-C before supervision began (while migrating or seeding): stop cleanly.
        suite.stop()
        return 0


def _configured(suite: "Suite") -> bool:
    """False, with a one-line message, if a setting the supervisor reads is bad."""
    from samverkan_shared.supervisor import InvalidWorkers

    try:
        suite.check_configuration()
    except InvalidWorkers as error:
        print(f"samverkan: {error}", file=sys.stderr)
        return False
    return True


def _start_and_supervise(suite: "Suite") -> int:
    suite.prepare()
    suite.start()
    if suite.demo:
        try:
            suite.wait_ready()
            suite.after_start()
        except (TimeoutError, RuntimeError, subprocess.CalledProcessError) as error:
            print(f"samverkan: the demo could not start: {error}", file=sys.stderr)
            suite.stop()
            return 1
    _print_welcome(suite)
    return suite.supervise()


def _print_welcome(suite: "Suite") -> None:
    lines = ["", "Samverkan is starting:"]
    lines += [f"  {spec.name:<10} {suite.url(spec.name)}/docs" for spec in suite.specs]
    clients = suite.data_dir / "demo-clients.json"
    if suite.demo:
        lines.append(f"Demo client credentials: {clients}")
    lines.append("Press Ctrl-C to stop all services.\n")
    print("\n".join(lines), file=sys.stderr)


def _serve(args: argparse.Namespace) -> int:
    from samverkan_shared.supervisor import Suite

    spec = _spec(args.service)
    port = args.port or spec.default_port
    suite = Suite(
        data_dir=_data_dir(args),
        host=args.host,
        ports={spec.name: port},
        demo=False,
        only=[spec.name],
    )
    if not _configured(suite):
        return 2
    suite.start()
    return suite.supervise()


def _prepare(args: argparse.Namespace) -> int:
    spec = _spec(args.service)
    _data_dir(args).mkdir(parents=True, exist_ok=True)
    spec.migrate()
    if args.seed and spec.seed is not None:
        spec.seed(_data_dir(args).resolve())
    return 0


def _after_start(args: argparse.Namespace) -> int:
    spec = _spec(args.service)
    if spec.after_start is not None:
        spec.after_start(_data_dir(args).resolve())
    return 0


def _migrate(args: argparse.Namespace) -> int:
    _data_dir(args).mkdir(parents=True, exist_ok=True)
    for spec in discover_services():
        if not args.services or spec.name in args.services:
            spec.migrate()
            print(f"{spec.name}: migrated", file=sys.stderr)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="samverkan", description=__doc__)
    parser.add_argument(
        "--data-dir", help="data directory (default $SAMVERKAN_DATA_DIR or ./var)"
    )
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser(
        "run", help="migrate, seed the demo and start every service"
    )
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--no-demo", action="store_true", help="do not seed demo data")
    run.set_defaults(handler=_run)

    serve = commands.add_parser("serve", help="run one service (as in a container)")
    serve.add_argument("service")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int)
    serve.set_defaults(handler=_serve)

    migrate = commands.add_parser(
        "migrate", help="upgrade the databases to the newest schema"
    )
    migrate.add_argument("services", nargs="*", help="only these services")
    migrate.set_defaults(handler=_migrate)

    prepare = commands.add_parser("prepare", help=argparse.SUPPRESS)
    prepare.add_argument("service")
    prepare.add_argument("--seed", action="store_true")
    prepare.set_defaults(handler=_prepare)

    after = commands.add_parser("after-start", help=argparse.SUPPRESS)
    after.add_argument("service")
    after.set_defaults(handler=_after_start)

    for ep in entry_points(group="samverkan.commands"):
        ep.load()(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    result: int = args.handler(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
