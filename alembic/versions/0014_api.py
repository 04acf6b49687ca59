"""Public uuids for users, rooms and messages (the JSON API names things by
them; a stroke's client_id is one already), and bot keys.

Existing rows get theirs in one UPDATE per table. The columns stay nullable:
making them NOT NULL would take a table rebuild on SQLite, and a rebuild of
`messages` drops its search triggers. Every new row gets one from the models.

Revision ID: 0014
Revises: 0013
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0014'
down_revision: Union[str, Sequence[str], None] = '0013'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

TABLES = ('users', 'rooms', 'messages')

# A random (version 4) uuid in SQL, as text like Python's str(uuid4()).
SQLITE_UUID4 = (
    "lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-'"
    " || substr('89ab', 1 + abs(random()) % 4, 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))"
)
POSTGRES_UUID4 = "gen_random_uuid()::text"


def upgrade() -> None:
    new_uuid = SQLITE_UUID4 if op.get_bind().dialect.name == 'sqlite' else POSTGRES_UUID4
    for table in TABLES:
        op.add_column(table, sa.Column('uuid', sa.String(36), nullable=True))
        op.execute(f"UPDATE {table} SET uuid = {new_uuid} WHERE uuid IS NULL")
        op.create_index(f'ix_{table}_uuid', table, ['uuid'], unique=True)
    op.create_table(
        'bot_keys',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('room_id', sa.Integer(), nullable=False),
        sa.Column('bot_id', sa.Integer(), nullable=False),
        sa.Column('creator_id', sa.Integer(), nullable=True),
        sa.Column('key_hash', sa.String(64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['room_id'], ['rooms.id'], name='fk_bot_keys_room_id_rooms', ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['bot_id'], ['users.id'], name='fk_bot_keys_bot_id_users', ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['creator_id'], ['users.id'], name='fk_bot_keys_creator_id_users', ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name='pk_bot_keys'),
    )
    op.create_index('ix_bot_keys_key_hash', 'bot_keys', ['key_hash'], unique=True)
    op.create_index('ix_bot_keys_room_id', 'bot_keys', ['room_id'])


def downgrade() -> None:
    op.drop_index('ix_bot_keys_room_id', table_name='bot_keys')
    op.drop_index('ix_bot_keys_key_hash', table_name='bot_keys')
    op.drop_table('bot_keys')
    for table in reversed(TABLES):
        op.drop_index(f'ix_{table}_uuid', table_name=table)
        op.drop_column(table, 'uuid')
