"""Attention: how far each user has read each room (and how it notifies them), and who a message names.

Revision ID: 0016
Revises: 0015
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0016'
down_revision: Union[str, Sequence[str], None] = '0015'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'read_positions',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('room_id', sa.Integer(), nullable=False),
        sa.Column('message_id', sa.Integer(), server_default='0', nullable=False),
        sa.Column('notify', sa.String(length=8), server_default='mentions', nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name='fk_read_positions_user_id_users', ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['room_id'], ['rooms.id'], name='fk_read_positions_room_id_rooms', ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'room_id', name='pk_read_positions'),
    )
    op.create_index('ix_read_positions_room_id', 'read_positions', ['room_id'])
    op.create_table(
        'mentions',
        sa.Column('message_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('room_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['message_id'], ['messages.id'], name='fk_mentions_message_id_messages', ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name='fk_mentions_user_id_users', ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['room_id'], ['rooms.id'], name='fk_mentions_room_id_rooms', ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('message_id', 'user_id', name='pk_mentions'),
    )
    op.create_index('ix_mentions_user_id_room_id_message_id', 'mentions', ['user_id', 'room_id', 'message_id'])


def downgrade() -> None:
    op.drop_index('ix_mentions_user_id_room_id_message_id', table_name='mentions')
    op.drop_table('mentions')
    op.drop_index('ix_read_positions_room_id', table_name='read_positions')
    op.drop_table('read_positions')
