"""Alembic environment shared by every owner (the core and each plugin).

Each owner keeps its own history in its own folder and its own version table
(`alembic_version_<owner>`), and only compares and creates its own tables: installing a
plugin adds its tables, removing it leaves them alone.
"""

from alembic import context

config = context.config
owner = config.attributes["owner"]
tables = config.attributes["tables"]
metadata = config.attributes["metadata"]
connection = config.attributes["connection"]


def include_object(obj, name, type_, reflected, compare_to):
    if type_ == "table":
        return name in tables
    table = getattr(obj, "table", None)
    return table is None or table.name in tables


context.configure(
    connection=connection,
    target_metadata=metadata,
    version_table=f"alembic_version_{owner}",
    include_object=include_object,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
