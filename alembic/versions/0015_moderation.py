"""Moderation: moderators (MODERATOR_KEY), mutes, and the audit of what moderators did.

Columns are added in place (no table rebuild); the partial index finds the few
moderators among every identity ever made, for the badge on each page.

Revision ID: 0015
Revises: 0014
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0015'
down_revision: Union[str, Sequence[str], None] = '0014'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column('users', sa.Column('moderator', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column('users', sa.Column('muted_until', sa.DateTime(timezone=True), nullable=True))
    op.create_index(
        'ix_users_moderator', 'users', ['id'], postgresql_where=sa.text('moderator'), sqlite_where=sa.text('moderator = 1')
    )
    op.create_table(
        'moderation_actions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('moderator_id', sa.Integer(), nullable=False),
        sa.Column('action', sa.String(length=32), nullable=False),
        sa.Column('target_user_id', sa.Integer(), nullable=True),
        sa.Column('room_id', sa.Integer(), nullable=True),
        sa.Column('message_id', sa.Integer(), nullable=True),
        sa.Column('detail', sa.Text(), nullable=False, server_default=''),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['moderator_id'], ['users.id'], name='fk_moderation_actions_moderator_id_users'),
        sa.ForeignKeyConstraint(['target_user_id'], ['users.id'], name='fk_moderation_actions_target_user_id_users'),
        # Purged rooms take their messages with them; the record of what a moderator did stays.
        sa.ForeignKeyConstraint(['room_id'], ['rooms.id'], name='fk_moderation_actions_room_id_rooms', ondelete='SET NULL'),
        sa.ForeignKeyConstraint(
            ['message_id'], ['messages.id'], name='fk_moderation_actions_message_id_messages', ondelete='SET NULL'
        ),
        sa.PrimaryKeyConstraint('id', name='pk_moderation_actions'),
    )
    op.create_index('ix_moderation_actions_created_at', 'moderation_actions', ['created_at'])
    op.create_index('ix_moderation_actions_room_id', 'moderation_actions', ['room_id'])


def downgrade() -> None:
    op.drop_index('ix_moderation_actions_room_id', table_name='moderation_actions')
    op.drop_index('ix_moderation_actions_created_at', table_name='moderation_actions')
    op.drop_table('moderation_actions')
    op.drop_index('ix_users_moderator', table_name='users')
    with op.batch_alter_table('users') as batch_op:
        batch_op.drop_column('muted_until')
        batch_op.drop_column('moderator')
