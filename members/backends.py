"""Signing in by mobile number: a member types the mobile the roster holds for
them and the password they set at activation, on the portal's one sign-in page.

Listed after Django's ModelBackend (settings.AUTHENTICATION_BACKENDS), behind
django-axes' backend, so a wrong password counts toward the lockout of that
"user name" (the mobile) and address like any other. Only member accounts
(委员 group) are found this way: staff sign in by user name as before.
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from portal import roles
from portal.validators import _MOBILE_RE
from sectors.models import User


class MemberMobileBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or not password or not _MOBILE_RE.match(username.strip()):
            return None
        found = list(
            User.objects.filter(
                member__mobile=username.strip(), groups__name=roles.GROUP_NAMES[roles.MEMBER]
            ).distinct()[:2]
        )
        if len(found) != 1:  # two members with one mobile: neither signs in by it
            User().set_password(password)  # the same time as a real check
            return None
        user = found[0]
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
