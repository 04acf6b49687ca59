"""users.name_key: a name as compared for "taken" (case-folded), indexed; filled
for existing identities.

Revision ID: 0018
Revises: 0017
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0018'
down_revision: Union[str, Sequence[str], None] = '0017'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def _key(name: str) -> str:
    # As chat/users.name_key was when this ran: joiners dropped, case folded
    # (SQL's lower() folds ASCII only on SQLite).
    return name.replace("\u200c", "").replace("\u200d", "").casefold()


def upgrade() -> None:
    op.add_column('users', sa.Column('name_key', sa.String(length=192), nullable=True))
    op.create_index('ix_users_name_key', 'users', ['name_key'])
    users = sa.table('users', sa.column('id', sa.Integer), sa.column('name', sa.String), sa.column('name_key', sa.String))
    connection = op.get_bind()
    rows = connection.execute(sa.select(users.c.id, users.c.name)).all()
    for user_id, name in rows:
        connection.execute(users.update().where(users.c.id == user_id).values(name_key=_key(name)))


def downgrade() -> None:
    op.drop_index('ix_users_name_key', table_name='users')
    with op.batch_alter_table('users') as batch_op:
        batch_op.drop_column('name_key')
