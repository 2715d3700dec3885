"""Everything that touches the database: models, engine, migrations runner, unit of work.

No SQL (and no ``select()``) lives outside this package.
"""
