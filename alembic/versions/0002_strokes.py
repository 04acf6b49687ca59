"""Strokes on the rooms' drawing boards.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 01:30:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0002'
down_revision: Union[str, Sequence[str], None] = '0001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('strokes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.String(length=36), nullable=False),
    sa.Column('room_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('tool', sa.String(length=8), nullable=False),
    sa.Column('color', sa.String(length=9), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('points', sa.Text(), nullable=False),
    sa.Column('point_count', sa.Integer(), nullable=False),
    sa.Column('done', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_strokes_author_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['room_id'], ['rooms.id'], name=op.f('fk_strokes_room_id_rooms'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_strokes')),
    sa.UniqueConstraint('client_id', name=op.f('uq_strokes_client_id'))
    )
    with op.batch_alter_table('strokes', schema=None) as batch_op:
        batch_op.create_index('ix_strokes_room_id_id', ['room_id', 'id'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('strokes', schema=None) as batch_op:
        batch_op.drop_index('ix_strokes_room_id_id')

    op.drop_table('strokes')
