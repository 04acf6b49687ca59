"""Who may destroy what: rooms belong to their creator and are hidden, not erased,
when deleted; the lobby lists the rooms most recently active; a client_id is
unique per author and room; rename and recolour lines in a room's history.

Revision ID: 0008
Revises: 0006
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0008'
down_revision: Union[str, Sequence[str], None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('rooms', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('last_active_at', sa.DateTime(timezone=True), nullable=True))
    op.execute(
        'UPDATE rooms SET last_active_at = coalesce('
        '(SELECT max(messages.created_at) FROM messages WHERE messages.room_id = rooms.id), rooms.created_at)'
    )
    with op.batch_alter_table('rooms', schema=None) as batch_op:
        batch_op.alter_column('last_active_at', existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.create_index('ix_rooms_last_active_at', ['last_active_at'])
        batch_op.create_index('ix_rooms_deleted_at', ['deleted_at'])
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=16), nullable=False, server_default='text'))
        batch_op.drop_constraint('uq_messages_author_id_client_id', type_='unique')
        batch_op.create_unique_constraint('uq_messages_author_id_room_id_client_id', ['author_id', 'room_id', 'client_id'])


def downgrade() -> None:
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_constraint('uq_messages_author_id_room_id_client_id', type_='unique')
        batch_op.create_unique_constraint('uq_messages_author_id_client_id', ['author_id', 'client_id'])
        batch_op.drop_column('kind')
    with op.batch_alter_table('rooms', schema=None) as batch_op:
        batch_op.drop_index('ix_rooms_deleted_at')
        batch_op.drop_index('ix_rooms_last_active_at')
        batch_op.drop_column('last_active_at')
        batch_op.drop_column('deleted_at')
