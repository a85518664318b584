"""Signing in with an e-mail address and a password."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class PracticeUserBackend(ModelBackend):
    """Loads the signed-in user with their practice, whose scope and time zone every
    request enters (see PracticeScopeMiddleware): one query where there would be two."""

    def get_user(self, user_id):
        users = get_user_model()._default_manager.select_related("practice")
        user = users.filter(pk=user_id).first()
        return user if user and self.user_can_authenticate(user) else None
