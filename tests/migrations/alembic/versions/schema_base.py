"""The orchestrator-core schema branch, as far as the tests need it: the
stdlib base schema (ORCHC_TEST_SCHEMA names the file)."""
import os

from alembic import op

revision = "schema_base"
down_revision = None
branch_labels = ("schema",)
depends_on = None

TABLES = ["products_workflows", "product_product_blocks", "product_block_resource_types",
          "product_block_relations", "fixed_inputs", "workflows", "products",
          "product_blocks", "resource_types"]


def upgrade() -> None:
    with open(os.environ["ORCHC_TEST_SCHEMA"], encoding="utf-8") as f:
        op.get_bind().exec_driver_sql(f.read())


def downgrade() -> None:
    for table in TABLES:
        op.execute("DROP TABLE " + table)
