"""A room's id is never given to another room: on SQLite a new row takes the
highest id + 1, so purging the newest room handed its id, and its old links, to
the next one. AUTOINCREMENT keeps every id ever used (PostgreSQL's sequences
already do).

Revision ID: 0013
Revises: 0008
"""
from typing import Sequence, Union

from alembic import op


revision: str = '0013'
down_revision: Union[str, Sequence[str], None] = '0008'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        with op.batch_alter_table('rooms', recreate='always', table_kwargs={'sqlite_autoincrement': True}):
            pass


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        with op.batch_alter_table('rooms', recreate='always', table_kwargs={'sqlite_autoincrement': False}):
            pass
