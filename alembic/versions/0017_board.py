"""The board together: labels' text and undone strokes (for redo) on strokes,
and the snapshots shared into the chat.

Plain added columns: no table is rebuilt.

Revision ID: 0017
Revises: 0016
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0017'
down_revision: Union[str, Sequence[str], None] = '0016'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column('strokes', sa.Column('text', sa.Text(), nullable=True))
    op.add_column('strokes', sa.Column('undone', sa.Boolean(), nullable=False, server_default=sa.text('false')))
    op.create_table(
        'snapshots',
        sa.Column('message_id', sa.Integer(), nullable=False),
        sa.Column('room_id', sa.Integer(), nullable=False),
        sa.Column('svg', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['message_id'], ['messages.id'], name=op.f('fk_snapshots_message_id_messages'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['room_id'], ['rooms.id'], name=op.f('fk_snapshots_room_id_rooms'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('message_id', name=op.f('pk_snapshots')),
    )
    op.create_index('ix_snapshots_room_id', 'snapshots', ['room_id'])


def downgrade() -> None:
    op.drop_index('ix_snapshots_room_id', table_name='snapshots')
    op.drop_table('snapshots')
    with op.batch_alter_table('strokes') as batch:
        batch.drop_column('undone')
        batch.drop_column('text')
