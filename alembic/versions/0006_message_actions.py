"""Messages you can act on: edited and deleted marks, replies, reactions.

Revision ID: 0006
Revises: 0005
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0006'
down_revision: Union[str, Sequence[str], None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('edited_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('reply_to_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            'fk_messages_reply_to_id_messages', 'messages', ['reply_to_id'], ['id'], ondelete='SET NULL'
        )
    op.create_table(
        'reactions',
        sa.Column('message_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('emoji', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['message_id'], ['messages.id'], name='fk_reactions_message_id_messages', ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name='fk_reactions_user_id_users', ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('message_id', 'user_id', 'emoji', name='pk_reactions'),
    )


def downgrade() -> None:
    op.drop_table('reactions')
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_constraint('fk_messages_reply_to_id_messages', type_='foreignkey')
        batch_op.drop_column('reply_to_id')
        batch_op.drop_column('deleted_at')
        batch_op.drop_column('edited_at')
