"""`samverkan`: the operator's command line; services add their commands via entry points.

Start-up is kept cheap (`samverkan audit verify` is timed with it): the supervisor
(SQLModel, Alembic) is imported only by the commands that run services, and each
service's `register` adds its parsers without importing the service itself.
"""

import argparse
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
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


def _logging_started() -> bool:
    """The services' log format for the supervisor's lines; False, said, if it cannot."""
    from samverkan_shared.supervisor import start_logging

    try:
        start_logging()
    except ValueError as error:
        print(f"samverkan: SAMVERKAN_LOG_LEVEL: {error}", file=sys.stderr)
        return False
    return True


def _run(args: argparse.Namespace) -> int:
    from samverkan_shared.shutdown import stopped_by_signals
    from samverkan_shared.supervisor import Suite

    if not _logging_started():
        return 2
    suite = Suite(data_dir=_data_dir(args), host=args.host, demo=not args.no_demo)
    if not _configured(suite):
        return 2
    # From here on Ctrl-C or SIGTERM (even if started with SIGINT ignored) stops
    # every child, whatever step was under way: migrating, seeding or serving.
    with stopped_by_signals():
        try:
            return _start_and_supervise(suite)
        except KeyboardInterrupt:
            return 0
        finally:
            suite.stop()


def _configured(suite: "Suite") -> bool:
    """False, logged, if a setting the supervisor reads is bad or a port taken."""
    from samverkan_shared.supervisor import InvalidWorkers, PortInUse, supervisor_log

    try:
        suite.check_configuration()
    except (InvalidWorkers, PortInUse) as error:
        event = "port_in_use" if isinstance(error, PortInUse) else "invalid_workers"
        for line in str(error).splitlines():
            supervisor_log.error(event, detail=line)
        return False
    return True


def _start_and_supervise(suite: "Suite") -> int:
    from samverkan_shared.supervisor import DemoStepFailed, supervisor_log

    demo_failed: list[DemoStepFailed] = []
    try:
        suite.prepare()
    except DemoStepFailed as error:
        demo_failed.append(error)
    except subprocess.CalledProcessError as error:
        supervisor_log.error("migration_failed", detail=f"{error} See the lines above.")
        return 1
    suite.start()
    try:
        suite.wait_ready()
    except (TimeoutError, RuntimeError) as error:
        supervisor_log.error("services_not_ready", detail=str(error))
        return 1
    if suite.demo:
        try:
            suite.after_start()
        except DemoStepFailed as error:
            demo_failed.append(error)
    _welcome(suite, demo_failed)
    return suite.supervise()


_DEMO_INCOMPLETE = (
    "the demo is incomplete: {} failed (see above). The services run; `make reset` "
    "(samverkan demo reset) starts the demo afresh."
)


def _welcome(suite: "Suite", demo_failed: Sequence[Exception] = ()) -> None:
    """Once every service is ready: an event in the log stream, and for the person
    at the terminal the same as plain text on stdout (the log stays on stderr)."""
    from samverkan_shared.supervisor import supervisor_log

    starts = {s.name: f"{suite.url(s.name)}{s.start_page}" for s in suite.specs}
    docs = {name: url for name, url in starts.items() if url.endswith("/docs")}
    pages = {name: url for name, url in starts.items() if name not in docs}
    clients = suite.data_dir / "demo-clients.json" if suite.demo else None
    for error in demo_failed:
        supervisor_log.warning("demo_incomplete", detail=_DEMO_INCOMPLETE.format(error))
    supervisor_log.info(
        "suite_running",
        docs=docs,
        pages=pages,
        demo_clients=str(clients) if clients else None,
    )
    lines = ["", "Samverkan is running, every service ready:"]
    lines += [f"  {name:<10} {url}" for name, url in starts.items()]
    if clients is not None:
        lines.append(f"Demo client credentials: {clients}")
        if pages:
            lines.append(
                "Sign in at the console as a demo person: their usernames and "
                'passwords are under "people" in that file.'
            )
    if suite.receiver is not None and suite.receiver.process is not None:
        lines.append(
            f"Demo webhook receiver: {suite.receiver.url}; the events it verifies "
            f"are appended to {suite.receiver.events_file}"
        )
    lines += [f"WARNING: {_DEMO_INCOMPLETE.format(error)}" for error in demo_failed]
    lines.append("Press Ctrl-C to stop all services.\n")
    print("\n".join(lines), flush=True)


def _serve(args: argparse.Namespace) -> int:
    from samverkan_shared.supervisor import Suite

    if not _logging_started():
        return 2
    spec = _spec(args.service)
    suite = Suite(
        data_dir=_data_dir(args),
        host=args.host,
        # Without --port: $SAMVERKAN_<SERVICE>_PORT, else the default port.
        ports={spec.name: args.port} if args.port else {},
        demo=False,
        only=[spec.name],
    )
    if not _configured(suite):
        return 2
    suite.start()
    return suite.supervise()


def _prepare(args: argparse.Namespace) -> int:
    if not _logging_started():
        return 2
    spec = _spec(args.service)
    _data_dir(args).mkdir(parents=True, exist_ok=True)
    spec.migrate()
    if args.seed and spec.seed is not None:
        return _demo_step(spec.name, "seed", spec.seed, _data_dir(args).resolve())
    return 0


def _after_start(args: argparse.Namespace) -> int:
    if not _logging_started():
        return 2
    spec = _spec(args.service)
    if spec.after_start is not None:
        return _demo_step(
            spec.name, "after-start", spec.after_start, _data_dir(args).resolve()
        )
    return 0


def _demo_step(
    service: str, step: str, run: Callable[[Path], None], data_dir: Path
) -> int:
    """Run one step of demo data; a failure is logged, and the services serve on."""
    import structlog

    from samverkan_shared.supervisor import DEMO_STEP_FAILED, supervisor_log

    # The step's own events (tips filed, agreements imported) name their service.
    structlog.contextvars.bind_contextvars(service=service)
    try:
        run(data_dir)
    except Exception as error:  # any failure of demo data: say which, keep serving
        supervisor_log.error(
            "demo_step_failed",
            step=step,
            detail=f"demo step {service} {step} failed: "
            f"{type(error).__name__}: {error}",
            exc_info=error,
        )
        return DEMO_STEP_FAILED
    return 0


def _reset_demo(args: argparse.Namespace) -> int:
    """Remove the demo's data directory, if it is one and no service uses it."""
    from samverkan_shared.supervisor import Suite, port_refusal

    data_dir = _data_dir(args)
    if not data_dir.is_dir() or not any(data_dir.iterdir()):
        print(f"samverkan: {data_dir} holds nothing to reset", file=sys.stderr)
        return 0
    if not (data_dir / "demo-clients.json").exists():
        print(
            f"samverkan: {data_dir} has no demo-clients.json, so it is not the demo's "
            "data directory; nothing removed",
            file=sys.stderr,
        )
        return 1
    suite = Suite(data_dir=data_dir, demo=False)
    for spec in suite.specs:
        port = suite.ports[spec.name]
        if port_refusal(suite.host, port) is not None:
            print(
                f"samverkan: port {port} ({spec.name}) is in use: stop `make run` "
                "first; nothing removed",
                file=sys.stderr,
            )
            return 1
    shutil.rmtree(data_dir)
    print(
        f"samverkan: removed {data_dir} (databases, keys, demo-clients.json); "
        "`make run` seeds a fresh demo",
        file=sys.stderr,
    )
    return 0


def _uvicorn(args: argparse.Namespace) -> int:
    from samverkan_shared.service_process import serve

    return serve(args.factory, host=args.host, port=args.port, workers=args.workers)


def _migrate(args: argparse.Namespace) -> int:
    _data_dir(args).mkdir(parents=True, exist_ok=True)
    for spec in discover_services():
        if not args.services or spec.name in args.services:
            spec.migrate()
            print(f"{spec.name}: migrated", file=sys.stderr)
    return 0


def _add_service_commands(
    commands: "argparse._SubParsersAction[argparse.ArgumentParser]",
) -> None:
    """`run` (the whole suite, as `make run`) and `serve` (one service)."""
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


def _add_migrate_command(
    commands: "argparse._SubParsersAction[argparse.ArgumentParser]",
) -> None:
    migrate = commands.add_parser(
        "migrate", help="upgrade the databases to the newest schema"
    )
    migrate.add_argument("services", nargs="*", help="only these services")
    migrate.set_defaults(handler=_migrate)


def _add_demo_commands(
    commands: "argparse._SubParsersAction[argparse.ArgumentParser]",
) -> None:
    demo = commands.add_parser("demo", help="the demo data of `make run`")
    demo_actions = demo.add_subparsers(dest="action", required=True)
    reset = demo_actions.add_parser(
        "reset",
        help="remove the data directory (SQLite databases, keys, demo-clients.json) "
        "so that the next `make run` seeds a fresh demo; refused while the services "
        "run or for a directory the demo did not make",
    )
    reset.set_defaults(handler=_reset_demo)


def _add_webhook_commands(
    commands: "argparse._SubParsersAction[argparse.ArgumentParser]",
) -> None:
    """`webhooks receive` (``webhook_receiver``, imported only when it runs)."""
    webhooks = commands.add_parser("webhooks", help="try out webhook deliveries")
    actions = webhooks.add_subparsers(dest="action", required=True)
    receive = actions.add_parser(
        "receive",
        help="listen on 127.0.0.1, verify each delivery's Standard Webhooks "
        "signature and print each verified event as one JSON line",
    )
    receive.add_argument("--port", type=int, default=8010)
    receive.add_argument(
        "--secret-file", type=Path, required=True, help="holds the secret (whsec_...)"
    )
    receive.add_argument(
        "--tolerance",
        type=int,
        default=300,
        help="seconds a webhook-timestamp may be from now (default 300)",
    )
    receive.add_argument("--output", type=Path, help="append the lines here instead")
    receive.set_defaults(handler=_receive_webhooks)


def _receive_webhooks(args: argparse.Namespace) -> int:
    from samverkan_shared.webhook_receiver import receive

    return receive(
        args.port, args.secret_file, tolerance=args.tolerance, output=args.output
    )


def _add_internal_commands(
    commands: "argparse._SubParsersAction[argparse.ArgumentParser]",
) -> None:
    """Internal steps the supervisor runs in a child process. Added without `help=`,
    argparse lists them nowhere (with help=SUPPRESS it prints "==SUPPRESS==")."""
    prepare = commands.add_parser("prepare")
    prepare.add_argument("service")
    prepare.add_argument("--seed", action="store_true")
    prepare.set_defaults(handler=_prepare)

    after = commands.add_parser("after-start")
    after.add_argument("service")
    after.set_defaults(handler=_after_start)

    # One service process, as the supervisor starts it (service_process).
    process = commands.add_parser("uvicorn")
    process.add_argument("factory")
    process.add_argument("--host", required=True)
    process.add_argument("--port", type=int, required=True)
    process.add_argument("--workers", type=int, default=1)
    process.set_defaults(handler=_uvicorn)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="samverkan",
        description="The operator's command line of Samverkan: run the services, "
        "migrate their databases, manage OAuth clients, signing keys, the rule "
        "catalogue and the audit log.",
        epilog="`samverkan COMMAND --help` describes a command.",
    )
    parser.add_argument(
        "--data-dir", help="data directory (default $SAMVERKAN_DATA_DIR or ./var)"
    )
    # The metavar keeps the internal commands out of the usage line.
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    # The order here is the order of `samverkan --help`.
    _add_service_commands(commands)
    _add_migrate_command(commands)
    _add_demo_commands(commands)
    _add_webhook_commands(commands)
    _add_internal_commands(commands)
    # Each service's own commands (clients, keys, rules, audit...), via entry points.
    for ep in entry_points(group="samverkan.commands"):
        ep.load()(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    result: int = args.handler(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
