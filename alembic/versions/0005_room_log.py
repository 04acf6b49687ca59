"""The room change log: every change to a room's history carries the room's next sequence number.

A message's `seq` is the sequence of its latest change (sent, and later edited,
deleted, reacted to); `rooms.last_seq` is the room's latest. Existing messages
take their id as their sequence: increasing per room, which is all a log needs.

Revision ID: 0005
Revises: 0004
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0005'
down_revision: Union[str, Sequence[str], None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('rooms', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_seq', sa.Integer(), nullable=False, server_default='0'))
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seq', sa.Integer(), nullable=True))
    op.execute('UPDATE messages SET seq = id')
    op.execute('UPDATE rooms SET last_seq = coalesce((SELECT max(seq) FROM messages WHERE messages.room_id = rooms.id), 0)')
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.alter_column('seq', existing_type=sa.Integer(), nullable=False)
        batch_op.create_index('ix_messages_room_id_seq', ['room_id', 'seq'], unique=True)


def downgrade() -> None:
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_index('ix_messages_room_id_seq')
        batch_op.drop_column('seq')
    with op.batch_alter_table('rooms', schema=None) as batch_op:
        batch_op.drop_column('last_seq')
