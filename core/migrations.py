"""Schema migrations: the core and each plugin own their history (Alembic).

Tables belong to whoever defines their model: the core, or the plugin whose module the
model lives in. `storefront db upgrade` brings every owner up to date; `storefront db
revision --owner NAME` writes a new migration into that owner's `migrations/` folder.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from flask import current_app
from sqlalchemy import inspect as sa_inspect

from .extensions import db

HERE = Path(__file__).resolve().parent


def owner_of(module_name: str, plugin_modules: dict[str, str]) -> str:
    for name, prefix in plugin_modules.items():
        if module_name == prefix or module_name.startswith(prefix + "."):
            return name
    return "core"


def owners() -> dict[str, set[str]]:
    """Owner name -> its table names, from where each mapped class is defined."""
    manager = current_app.extensions["storefront"].plugins
    plugin_modules = {
        name: record.module.__name__
        for name, record in manager.records.items()
        if not record.info.internal
    }
    found: dict[str, set[str]] = {"core": set()}
    for mapper in db.Model.registry.mappers:
        table = getattr(mapper.class_, "__table__", None)
        if table is None:
            continue
        found.setdefault(owner_of(mapper.class_.__module__, plugin_modules), set()).add(table.name)
    return found


def versions_dir(owner: str) -> Path:
    if owner == "core":
        return HERE / "migrations"
    manager = current_app.extensions["storefront"].plugins
    return Path(manager.records[owner].module.__file__).resolve().parent / "migrations"


def _config(owner: str, tables: set[str], connection) -> Config:
    config = Config()
    config.set_main_option("path_separator", "os")
    config.set_main_option("script_location", str(HERE / "alembic"))
    config.set_main_option("version_locations", str(versions_dir(owner)))
    config.attributes.update(
        owner=owner, tables=tables, metadata=db.metadata, connection=connection
    )
    return config


def has_migrations(owner: str) -> bool:
    folder = versions_dir(owner)
    return folder.is_dir() and any(folder.glob("*.py"))


def upgrade(targets: dict[str, str] | None = None) -> list[str]:
    """Upgrade every owner that ships migrations; returns their names.

    `targets` stops an owner at a given revision instead of its newest (`{"core": "a373..."}`),
    which is how an operator brings one owner up step by step.
    """
    targets = targets or {}
    unknown = set(targets) - set(owners())
    if unknown:
        raise KeyError(", ".join(sorted(unknown)))
    done = []
    with db.engine.begin() as connection:
        for owner, tables in sorted(owners().items(), key=lambda item: item[0] != "core"):
            if not has_migrations(owner):
                continue
            config = _config(owner, tables, connection)
            existing = set(sa_inspect(connection).get_table_names())
            if f"alembic_version_{owner}" not in existing and tables <= existing:
                # Made by `create_all` before this owner had migrations: adopt it as it is
                # (the tables are the models' newest shape, whatever revision was asked for).
                command.stamp(config, "heads")
            else:
                command.upgrade(config, targets.get(owner, "heads"))
            done.append(owner)
    return done


def revision(owner: str, message: str) -> None:
    tables = owners().get(owner)
    if tables is None:
        raise KeyError(owner)
    versions_dir(owner).mkdir(exist_ok=True)
    with db.engine.begin() as connection:
        command.revision(
            _config(owner, tables, connection),
            message=message,
            autogenerate=True,
            version_path=str(versions_dir(owner)),
        )


def differences() -> dict[str, list]:
    """What autogenerate would still write, per owner: empty when models and migrations agree."""
    found = {}
    with db.engine.connect() as connection:
        for owner, tables in owners().items():
            context = MigrationContext.configure(
                connection,
                opts={
                    "include_object": lambda obj, name, type_, r, c, t=tables: (
                        name in t
                        if type_ == "table"
                        else getattr(obj, "table", None) is None or obj.table.name in t
                    ),
                    "compare_type": True,
                },
            )
            diff = compare_metadata(context, db.metadata)
            if diff:
                found[owner] = diff
    return found
