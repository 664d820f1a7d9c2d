"""The `storefront` command: database, demo data, accounts, plugins, worker, hooks."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select

from .extensions import db
from .models import Category, Membership, Merchant, User

TICK_SECONDS = 60


def _create_app():
    from .app import create_app

    return create_app()


@click.group(
    cls=FlaskGroup, create_app=_create_app, add_default_commands=False, add_version_option=False
)
def main() -> None:
    """Storefront: manage a shop installation."""


def _merchant(slug: str) -> Merchant:
    merchant = db.session.scalar(select(Merchant).where(Merchant.slug == slug))
    if merchant is None:
        raise click.BadParameter(f"no merchant {slug!r}", param_hint="--merchant")
    return merchant


def _category(merchant: Merchant, slug: str | None) -> Category | None:
    if slug is None:
        return None
    category = db.session.scalar(
        select(Category).where(Category.merchant_id == merchant.id, Category.slug == slug)
    )
    if category is None:
        raise click.BadParameter(
            f"no category {slug!r} in {merchant.slug}", param_hint="--category"
        )
    return category


@main.command("init-db")
@click.option("--drop", is_flag=True, help="Drop every table first (destroys data).")
@with_appcontext
def init_db(drop: bool) -> None:
    """Bring the tables of the core and every installed plugin up to date (safe to repeat)."""
    from .migrations import upgrade

    if drop:
        db.drop_all()
        with db.engine.begin() as connection:
            for table in sa_inspect(connection).get_table_names():
                if table.startswith("alembic_version_"):
                    connection.exec_driver_sql(f'DROP TABLE "{table}"')
    upgrade()
    db.create_all()  # plugins that ship no migrations yet
    click.echo("Database ready: " + db.engine.url.render_as_string(hide_password=True))


@main.group("db")
def db_group() -> None:
    """Schema migrations: the core and each plugin keep their own history."""


@db_group.command("upgrade")
@click.option(
    "--to",
    "stops",
    multiple=True,
    metavar="OWNER:REVISION",
    help="Stop this owner at a revision instead of its newest (repeatable).",
)
@with_appcontext
def db_upgrade(stops: tuple[str, ...]) -> None:
    """Apply every owner's pending migrations."""
    from .migrations import upgrade

    targets = {}
    for stop in stops:
        owner, _, revision_id = stop.partition(":")
        if not owner or not revision_id:
            raise click.BadParameter(f"{stop!r} is not OWNER:REVISION", param_hint="--to")
        targets[owner] = revision_id
    try:
        done = upgrade(targets)
    except KeyError as unknown:
        raise click.BadParameter(f"no owner {unknown.args[0]}", param_hint="--to") from None
    click.echo("up to date: " + ", ".join(done))


@db_group.command("revision")
@click.option("--owner", required=True, help="core, or the name of a plugin.")
@click.option("-m", "--message", required=True)
@with_appcontext
def db_revision(owner: str, message: str) -> None:
    """Write a migration for what changed in this owner's models (autogenerate)."""
    from .migrations import revision

    try:
        revision(owner, message)
    except KeyError as exc:
        raise click.BadParameter(f"no owner {owner!r}", param_hint="--owner") from exc


@main.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Fill an empty database with the two demo shops and print their accounts."""
    from .demo import seed_demo

    if db.session.scalar(select(Merchant.id).limit(1)) is not None:
        click.echo("The database already has shops; demo data not added.")
    else:
        seed_demo()
    from .demo import describe_accounts

    click.echo(describe_accounts())


@main.command("run")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
@click.option("--debug/--no-debug", default=False)
def run_command(host: str, port: int, debug: bool) -> None:
    """Serve with the development server (use gunicorn in production)."""
    from werkzeug.serving import run_simple

    app = current_app._get_current_object()
    app.debug = debug
    click.echo(f"Serving on http://{host}:{port}/ (Ctrl+C to stop)")
    run_simple(host, port, app, use_reloader=False, use_debugger=debug, threaded=True)


@main.command("create-merchant")
@click.argument("slug")
@click.argument("name")
@click.option("--owner", "owner_email", required=True, help="Email of an existing user.")
@click.option("--locale", default="en", type=click.Choice(["en", "zh_CN"]))
@with_appcontext
def create_merchant(slug: str, name: str, owner_email: str, locale: str) -> None:
    """Create a shop owned by an existing user."""
    from .shops import SlugError, create_shop

    owner = db.session.scalar(select(User).where(User.email == owner_email.lower()))
    if owner is None:
        raise click.BadParameter(f"no user {owner_email!r}; create it first", param_hint="--owner")
    try:
        merchant = create_shop(slug, name, owner, locale=locale)
    except SlugError as exc:
        raise click.BadParameter(str(exc), param_hint="SLUG") from exc
    db.session.commit()
    click.echo(f"Created shop {merchant.slug} owned by {owner.email}")


@main.command("create-user")
@click.argument("email")
@click.option("--name", required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--platform-admin", is_flag=True)
@click.option("--merchant", "merchant_slug", help="Make the user staff of this shop.")
@click.option("--role", type=click.Choice(["owner", "agent"]), default="agent")
@with_appcontext
def create_user(
    email: str, name: str, password: str, platform_admin: bool, merchant_slug: str | None, role: str
) -> None:
    """Create an account (shopper, staff or platform admin)."""
    email = email.strip().lower()
    if "@" not in email:
        raise click.BadParameter("not an email address", param_hint="EMAIL")
    if len(password) < 8:
        raise click.BadParameter("at least 8 characters", param_hint="--password")
    if db.session.scalar(select(User.id).where(User.email == email)):
        raise click.BadParameter(f"{email} exists already", param_hint="EMAIL")
    user = User(email=email, name=name, is_platform_admin=platform_admin)
    user.set_password(password)
    db.session.add(user)
    if merchant_slug:
        db.session.flush()
        db.session.add(
            Membership(user_id=user.id, merchant_id=_merchant(merchant_slug).id, role=role)
        )
    db.session.commit()
    click.echo(f"Created {email}")


@main.group("plugins")
def plugins_group() -> None:
    """List installed plugins and switch them per shop or category."""


@plugins_group.command("list")
@click.option("--merchant", "merchant_slug", help="Show the effective state in this shop.")
@click.option("--category", "category_slug")
@with_appcontext
def plugins_list(merchant_slug: str | None, category_slug: str | None) -> None:
    manager = current_app.extensions["storefront"].plugins
    scope = None
    if merchant_slug:
        from .scopes import Scope

        merchant = _merchant(merchant_slug)
        scope = Scope(merchant, _category(merchant, category_slug))
    for record in sorted(manager.records.values(), key=lambda r: (not r.info.internal, r.name)):
        info = record.info
        line = f"{info.name:<16} {info.version:<8} {record.source}"
        if info.internal:
            line += "  [core]"
        elif info.replaces:
            line += f"  replaces {info.replaces}"
        if record.failed:
            line += f"  FAILED: {record.failed}"
        elif scope is not None:
            state = scope.state.states[info.name]
            line += f"  {'on' if state.enabled else 'off'} ({state.reason}"
            line += f" by {state.replaced_by})" if state.replaced_by else ")"
        click.echo(line)
    for module_name, error in sorted(manager.import_failures.items()):
        click.echo(f"{module_name:<16} {'-':<8} not loaded  FAILED: {error}")


def _switch(name: str, merchant_slug: str, category_slug: str | None, value: bool | None) -> None:
    from .plugin_settings import set_enabled

    merchant = _merchant(merchant_slug)
    try:
        set_enabled(merchant, name, value, _category(merchant, category_slug))
    except KeyError as exc:
        raise click.BadParameter(
            f"no plugin {name!r} (see `storefront plugins list`)", param_hint="NAME"
        ) from exc
    db.session.commit()
    where = f"{merchant.slug}/{category_slug or '*'}"
    state = {True: "on", False: "off", None: "inherit"}[value]
    click.echo(f"{name}: {state} in {where}")


for _command, _value in (("enable", True), ("disable", False), ("inherit", None)):

    def _make(value):
        @click.argument("name")
        @click.option("--merchant", "merchant_slug", required=True)
        @click.option("--category", "category_slug")
        @with_appcontext
        def command(name: str, merchant_slug: str, category_slug: str | None) -> None:
            _switch(name, merchant_slug, category_slug, value)

        return command

    plugins_group.command(_command, help=f"Set a plugin to {_command} in a shop or category.")(
        _make(_value)
    )


@main.command("serve")
@click.option("--bind", default="127.0.0.1:8000", show_default=True)
@click.option("--workers", default=2, type=int, show_default=True)
@click.option("--timeout", default=30, type=int, show_default=True)
def serve(bind: str, workers: int, timeout: int) -> None:
    """Run the production server (gunicorn); set STOREFRONT_ENV=production and SECRET_KEY."""
    import shutil

    gunicorn = shutil.which("gunicorn") or os.path.join(os.path.dirname(sys.executable), "gunicorn")
    if not os.path.exists(gunicorn):
        raise click.ClickException(
            "gunicorn is not installed: pip install 'storefront[production]'"
        )
    args = [
        gunicorn,
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--timeout",
        str(timeout),
        "--access-logfile",
        "-",
        "--graceful-timeout",
        "20",
        "storefront.wsgi:app",
    ]
    os.execv(gunicorn, args)


@main.command("worker")
@click.option("--once", is_flag=True, help="Deliver what is due and exit.")
@click.option(
    "--interval",
    default=1.0,
    type=float,
    help="Seconds between polls (with REDIS_URL the worker wakes at once when events come).",
)
@with_appcontext
def worker(once: bool, interval: float) -> None:
    """Deliver outbox events (run with STOREFRONT_EVENTS_INLINE=0 in production)."""
    import signal

    from .doorbell import wait
    from .events import dispatch_due, run_periodic

    stopping = []

    def stop(signum, frame):  # finish the batch in hand, then leave
        stopping.append(signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    click.echo(f"worker {os.getpid()} delivering events")
    last_tick = 0.0
    while not stopping:
        if once or time.monotonic() - last_tick >= TICK_SECONDS:
            run_periodic()
            last_tick = time.monotonic()
        done = dispatch_due()
        if done:
            click.echo(f"delivered {done}")
        if once:
            return
        db.session.remove()
        wait(interval, stopping=lambda: bool(stopping))
    click.echo("worker stopped")


@main.command("export")
@click.option("--merchant", "merchant_slug", required=True, help="The shop to export.")
@click.option("--output", type=click.Path(dir_okay=False, writable=True), help="Default: stdout.")
@with_appcontext
def export_command(merchant_slug: str, output: str | None) -> None:
    """Write one shop (catalogue, orders, staff, settings, plugin data) as JSON."""
    import json

    from .transfer import export_merchant

    text = json.dumps(export_merchant(_merchant(merchant_slug)), ensure_ascii=False, indent=1)
    if output:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(text)
        click.echo(f"Exported {merchant_slug} to {output}", err=True)
    else:
        click.echo(text)


@main.command("import")
@click.argument("source", type=click.File("r", encoding="utf-8"))
@click.option("--slug", help="Import under another address (the original must not exist).")
@with_appcontext
def import_command(source, slug: str | None) -> None:
    """Create a shop from a file written by `storefront export`; all or nothing."""
    import json

    from .transfer import TransferError, import_merchant

    try:
        data = json.load(source)
    except json.JSONDecodeError as exc:
        raise click.ClickException(f"{source.name} is not JSON: {exc}") from exc
    try:
        merchant = import_merchant(data, slug)
    except (TransferError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"Imported shop {merchant.slug!r} ({merchant.name})")


@main.command("hooks")
@click.option("--markdown", is_flag=True, help="Print the hook reference (docs/hooks.md).")
@with_appcontext
def hooks_command(markdown: bool) -> None:
    """List every hook and the plugins implementing it, in call order."""
    manager = current_app.extensions["storefront"].plugins
    if markdown:
        from .hookdocs import markdown as hook_markdown

        click.echo(hook_markdown(manager.pluggy), nl=False)
        return
    for name in sorted(n for n in dir(manager.hook) if not n.startswith("_")):
        caller = getattr(manager.hook, name)
        impls = [i.plugin_name for i in reversed(caller.get_hookimpls())]
        click.echo(f"{name:<24} {', '.join(impls) or '-'}")


@main.group("api")
def api_group() -> None:
    """The JSON API under /api/v1/."""


@api_group.command("spec")
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False), help="Write to this file (default: print)."
)
@with_appcontext
def api_spec_command(output: str | None) -> None:
    """Write the OpenAPI 3.1 document of this installation (its plugins' endpoints included)."""
    import json

    from .api import document

    text = json.dumps(document(current_app), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    if output:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}")
    else:
        click.echo(text, nl=False)


@main.command("new-plugin")
@click.argument("name")
@click.option(
    "--dir",
    "target_dir",
    default=".",
    type=click.Path(file_okay=False),
    help="Where to create the package folder.",
)
def new_plugin(name: str, target_dir: str) -> None:
    """Create an installable plugin package named NAME to start from."""
    from pathlib import Path

    from .scaffold import ScaffoldError, create_plugin

    manager = current_app.extensions["storefront"].plugins
    try:
        root = create_plugin(name, Path(target_dir), manager)
    except ScaffoldError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Created {root}")
    click.echo("Next:")
    click.echo(f"  pip install -e {root}")
    click.echo("  storefront plugins list")
    click.echo(f"  cd {root} && pytest")


def attach_commands(app) -> None:
    """Make the commands reachable through `app.cli` too (`flask` and `app.test_cli_runner()`)."""
    for name, command in main.commands.items():
        if name not in app.cli.commands:
            app.cli.add_command(command, name)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
